"""bookmaker against pandoc, side by side: time, memory and pages (issue 7).

    .venv/bin/pip install -e '.[bench]'      # once: pypandoc-binary (pandoc) and psutil
    .venv/bin/python bench/perf.py           # the full run; writes bench/RESULTS.md

Options (see bench/README.md for what every figure means):

    --sizes 2,50,200,1000     books of these many articles (bench/generate.py)
    --runs 3                  timed runs of each tool per size and format; per size:
                              --runs 3 --runs 1000=1 (repeatable, or "3,1000=1")
    --formats epub,pdf        which formats
    --only bookmaker|pandoc   run one side only (no ratios then)
    -j/--jobs 2               bookmaker's `build -j`
    --incremental-size 200    the book edited for the incremental figures (0: skip)
    --noop-size 1000          the project timed for a no-op build (0: skip)
    --workdir DIR             where the projects go (default: a temporary folder, removed)
    --results PATH            the Markdown report (default: bench/RESULTS.md)
    --note TEXT               a remark for the report (e.g. what else the machine ran)

Every timed command is a subprocess: `bookmaker build -j 2 --force BOOK` in the
generated project (its build cache removed first: a cold build), and pandoc
(pypandoc-binary's bundled binary) to EPUB, or to standalone HTML and then the
`weasyprint` command to PDF. The runs of the two tools alternate (ABBA order).
While a command runs, its whole process tree is polled every 20 ms: the peak of
the largest single process (its VmHWM) and the peak of the sum of RSS over the
tree. Reported: median wall time, peak memory
(the largest over runs), CPU time, pages (pypdf), pages per second and per core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate

DEFAULT_SIZES = (2, 50, 200, 1000)
NO_SERVER = "BOOKMAKER_NO_SERVER"  # every command runs by itself, but those timed with a server
EDIT = " The benchmark added this sentence to the last paragraph (edit {n})."

# The targets.
PDF_TIME = 0.45          # PDF, 200 articles: wall time <= 0.45x pandoc -> WeasyPrint
PDF_MEMORY = 0.30        # ... largest process <= 0.3x its peak memory
PDF_SCALING = 0.90       # pages/s per core at 1000 articles within 10% of the rate at 50
EPUB_TIME = 0.25         # EPUB, 1000 articles: <= 0.25x pandoc's time
EPUB_MEMORY = 0.20       # ... and <= 0.2x its peak memory
INCR_PDF = 0.15          # one article edited, same page count: <= 15% of the cold time
INCR_EPUB = 0.10         # ... EPUB: <= 10%
NOOP_SECONDS = 2.0       # a no-op build of the 1000-article project: < 2 s


# --- measuring one command -----------------------------------------------------------

@dataclass
class Sample:
    """One timed command, or a pipeline of commands run one after the other."""

    tool: str
    wall: float = 0.0          # seconds
    cpu: float = 0.0           # user + system seconds of the tree (reaped processes)
    largest: int = 0           # bytes: the peak RSS of the largest single process
    tree: int = 0              # bytes: the peak of the sum of RSS over the process tree
    processes: int = 0         # the most processes seen at once
    exit: int = 0
    error: str | None = None
    stages: list[dict[str, Any]] = field(default_factory=list)
    pages: int | None = None
    output_bytes: int | None = None
    note: str = ""
    said: str = ""             # bookmaker's own account: what it built and why

    @property
    def ok(self) -> bool:
        return self.exit == 0 and self.error is None

    def then(self, other: Sample) -> Sample:
        """This pipeline followed by another command."""
        self.stages.append({"wall": other.wall, "cpu": other.cpu, "largest": other.largest,
                            "tree": other.tree, "note": other.note})
        self.wall += other.wall
        self.cpu += other.cpu
        self.largest = max(self.largest, other.largest)
        self.tree = max(self.tree, other.tree)
        self.processes = max(self.processes, other.processes)
        if other.exit or other.error:
            self.exit, self.error = other.exit, other.error
        return self


def _status(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in bytes; (0, 0) once it is gone or a zombie."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return rss, hwm


def measure(cmd: Sequence[str | os.PathLike[str]], *, cwd: Path, tool: str, note: str = "",
            interval: float = 0.02, log: Path | None = None,
            env: dict[str, str] | None = None) -> Sample:
    """Run `cmd`, polling its process tree; wall time, CPU time and peak memory.

    A thread waits for the command (`wait4`), so the wall time ends when it does,
    not at the next poll; the polls only read memory.
    """
    import psutil

    sample = Sample(tool=tool, note=note or " ".join(map(str, cmd))[:200])
    ended: dict[str, Any] = {}
    done = threading.Event()
    with open(log or os.devnull, "ab") as out:
        if log:
            out.write(f"\n$ (cd {cwd} && {' '.join(map(str, cmd))})\n".encode())
            out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, env=env)

        def wait() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            ended.update(at=time.perf_counter(), status=status, usage=usage)
            done.set()

        root = psutil.Process(proc.pid)  # before the waiter may reap it
        cpu_seen: dict[int, float] = {}
        threading.Thread(target=wait, daemon=True).start()
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = [root]
            total = 0
            for p in tree:
                try:  # workers a forkserver made are not the command's to reap: wait4 misses them
                    times = p.cpu_times()
                    cpu_seen[p.pid] = max(cpu_seen.get(p.pid, 0.0), times.user + times.system)
                except psutil.Error:
                    pass
                rss, hwm = _status(p.pid)
                total += rss
                sample.largest = max(sample.largest, hwm, rss)
            sample.tree = max(sample.tree, total)
            sample.processes = max(sample.processes, len(tree))
            done.wait(interval)
    sample.wall = ended["at"] - start
    proc.returncode = os.waitstatus_to_exitcode(ended["status"])
    usage = ended["usage"]
    # Not ru_maxrss: Linux keeps a process's peak across exec, and the command
    # was forked from this process, so it would count this harness's own memory
    # (which grows as it reads the books it counts). Each process's VmHWM, read
    # at every poll, is its own peak since exec.
    sample.tree = max(sample.tree, sample.largest)
    sample.cpu = max(usage.ru_utime + usage.ru_stime, sum(cpu_seen.values()))
    sample.exit = proc.returncode
    if proc.returncode:
        sample.error = f"exit code {proc.returncode}" + (f" (see {log})" if log else "")
    return sample


def count_pages(pdf: Path) -> int:
    try:
        from pypdf import PdfReader
        return len(PdfReader(str(pdf)).pages)
    except ImportError:  # pypdf is a test extra; pikepdf comes with bookmaker
        import pikepdf
        with pikepdf.open(pdf) as doc:
            return len(doc.pages)


# --- the tools ---------------------------------------------------------------------

def bookmaker_command() -> list[str]:
    script = Path(sys.executable).with_name("bookmaker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bookmaker.cli"]


def pandoc_binary() -> str:
    try:
        import pypandoc
    except ImportError:
        raise SystemExit("bench: pandoc is missing: .venv/bin/pip install -e '.[bench]'") from None
    return pypandoc.get_pandoc_path()


def run_bookmaker(project: Path, size: int, fmt: str, args: argparse.Namespace, *,
                  cold: bool = True, force: bool = True, note: str = "",
                  env: dict[str, str] | None = None) -> Sample:
    slug = generate.slug(size, fmt)
    if cold:
        shutil.rmtree(project / ".bookmaker-cache", ignore_errors=True)
    cmd = [*bookmaker_command(), "build", "-j", str(args.jobs), *(["--force"] if force else []),
           slug]
    offset = _log_size(args.log)
    s = measure(cmd, cwd=project, tool="bookmaker", note=note, interval=args.interval,
                log=args.log, env=env)
    said = _log_since(args.log, offset).splitlines()
    s.said = "; ".join(line.strip() for line in said
                       if line.startswith(("built ", "nothing to do", "bookmaker: ")))[:300]
    return _output(s, project / "dist" / f"{slug}.{fmt}", fmt)


def run_pandoc(pin: generate.PandocInput, fmt: str, args: argparse.Namespace,
               plain: bool = False) -> Sample:
    """pandoc to EPUB, or pandoc to HTML then WeasyPrint: the same book as
    bookmaker's, with the same page furniture and PDF variant; or, `plain`,
    the theme's CSS alone on pandoc's HTML and WeasyPrint's defaults."""
    pandoc = pandoc_binary()
    folder = pin.markdown.parent
    stem = "plain" if plain else "pandoc"
    for old in ("pandoc.epub",) if fmt == "epub" else (f"{stem}.html", f"{stem}.pdf"):
        (folder / old).unlink(missing_ok=True)
    if fmt == "epub":
        out = folder / "pandoc.epub"
        cmd = [pandoc, pin.markdown.name, "-f", "markdown", "-t", "epub3", "--toc",
               f"--css={pin.epub_css.name}", *(f"--epub-embed-font={f}" for f in pin.fonts),
               "-o", out.name]
        s = measure(cmd, cwd=folder, tool="pandoc", note="pandoc -t epub3",
                    interval=args.interval, log=args.log)
        return _output(s, out, fmt)
    html, out = folder / f"{stem}.html", folder / f"{stem}.pdf"
    source, css = (pin.markdown, pin.plain_css) if plain else (pin.print_markdown, pin.print_css)
    s = measure([pandoc, source.name, "-f", "markdown", "-t", "html5", "--standalone",
                 "--toc", f"--css={css.name}", "-o", html.name],
                cwd=folder, tool="pandoc", note="pandoc -t html5", interval=args.interval,
                log=args.log)
    first = {"wall": s.wall, "cpu": s.cpu, "largest": s.largest, "tree": s.tree, "note": s.note}
    variant: list[str] = []
    if not plain:  # what bookmaker's PDF writer asks of WeasyPrint, as its options
        from bookmaker.writers.pdf.writer import variant_options

        asked = variant_options(pin.pdf_variant)
        variant += ["--pdf-variant", asked["pdf_variant"]] if asked["pdf_variant"] else []
        variant += ["--pdf-tags"] if asked["pdf_tags"] else []
        variant += ["--output-intent", asked["output_intent"]] if asked["output_intent"] else []
    if s.ok:
        s.then(measure([sys.executable, "-m", "weasyprint", *variant, html.name, out.name],
                       cwd=folder, tool="weasyprint", note="weasyprint " + " ".join(variant),
                       interval=args.interval, log=args.log))
    s.stages.insert(0, first)
    return _output(s, out, fmt)


def _output(s: Sample, path: Path, fmt: str) -> Sample:
    if s.ok:
        if not path.is_file():
            s.error = f"no output: {path}"
        else:
            s.output_bytes = path.stat().st_size
            if fmt == "pdf":
                s.pages = count_pages(path)
    return s


# --- the run ---------------------------------------------------------------------

def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware")):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        import pypandoc
        pandoc = f"{pypandoc.get_pandoc_version()} (pypandoc-binary {v('pypandoc-binary')})"
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        pandoc = f"unavailable ({exc})"
    git = {"GIT_OPTIONAL_LOCKS": "0", **os.environ}  # read-only: never touch the index
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, env=git,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, env=git, capture_output=True, text=True, check=False).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_bytes": psutil.virtual_memory().total,
        "os": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": v("weasyprint"),
        "pandoc": pandoc,
        "bookmaker": f"{v('bookmaker')}, commit {commit}",
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def parse_runs(values: Sequence[str]) -> tuple[int, dict[int, int]]:
    default, per_size = 3, {}
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                size, n = item.split("=", 1)
                per_size[int(size)] = int(n)
            else:
                default = int(item)
    if default < 1 or any(n < 1 for n in per_size.values()):
        raise SystemExit("bench: --runs must be at least 1")
    return default, per_size


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = args.workdir
        self.results: dict[str, Any] = {
            "command": args.command_line, "started": dt.datetime.now().astimezone().isoformat(
                timespec="seconds"),
            "machine": machine(), "sizes": {}, "incremental": {}, "watch": {}, "served": {},
            "startup": {},
            "noop": {}, "cache": {}, "warmup": [],
        }
        self.t0 = time.perf_counter()
        self.failures = 0

    def say(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.t0:7.1f} s] {message}", flush=True)

    def runs(self, size: int) -> int:
        return self.args.runs_per_size.get(size, self.args.runs_default)

    def project(self, size: int) -> tuple[Path, generate.PandocInput | None]:
        folder = self.work / f"book-{size}"
        start = time.perf_counter()
        generate.make_project(folder, size)
        pin = None
        if self.args.only != "bookmaker":
            pin = generate.pandoc_input(folder, size)
        self.say(f"{size} articles: project and pandoc input made in "
                 f"{time.perf_counter() - start:.1f} s ({folder})")
        return folder, pin

    def warm_up(self) -> None:
        """One untimed run of each tool on a 2-article book: caches, bytecode, fonts."""
        project, pin = self.project(2)
        for fmt in self.args.formats:
            if self.args.only != "pandoc":
                s = run_bookmaker(project, 2, fmt, self.args)
                self.results["warmup"].append(asdict(s))
                self.check(s, f"warm-up bookmaker {fmt}")
            if pin is not None:
                s = run_pandoc(pin, fmt, self.args)
                self.results["warmup"].append(asdict(s))
                self.check(s, f"warm-up pandoc {fmt}")

    def check(self, s: Sample, what: str) -> None:
        if not s.ok:
            self.failures += 1
            self.say(f"  {what} FAILED: {s.error}")

    def size(self, size: int) -> None:
        project, pin = self.project(size)
        entry = self.results["sizes"].setdefault(str(size), {})
        entry["project"] = str(project)
        for fmt in self.args.formats:
            got: dict[str, list[dict[str, Any]]] = {"bookmaker": [], "pandoc": []}
            sides: list[tuple[str, Callable[[], Sample]]] = []
            if self.args.only != "pandoc":
                sides.append(("bookmaker", partial(run_bookmaker, project, size, fmt, self.args)))
            if pin is not None:
                sides.append(("pandoc", partial(run_pandoc, pin, fmt, self.args)))
                if fmt == "pdf" and size in self.args.plain_sizes_list:
                    got["plain"] = []
                    sides.append(("plain", partial(run_pandoc, pin, fmt, self.args, plain=True)))
            for i in range(self.runs(size)):
                for name, run in (sides if i % 2 == 0 else sides[::-1]):  # ABBA
                    s = run()
                    got[name].append(asdict(s))
                    self.failures += not s.ok
                    self.say(f"{size} articles, {fmt}, run {i + 1}: {name} {s.wall:.2f} s, "
                             f"largest {mb(s.largest)}, sum {mb(s.tree)}"
                             + (f", {s.pages} pages" if s.pages else "")
                             + ("" if s.ok else f"  FAILED: {s.error}"))
            entry[fmt] = got
            self.write()

    def cold_median(self, size: int, fmt: str, project: Path) -> tuple[float | None, str]:
        known = self.results["sizes"].get(str(size), {}).get(fmt, {}).get("bookmaker", [])
        walls = [s["wall"] for s in known if s["exit"] == 0 and not s["error"]]
        if walls:
            return statistics.median(walls), f"median of the {len(walls)} cold builds above"
        samples = [run_bookmaker(project, size, fmt, self.args) for _ in range(self.runs(size))]
        walls = [s.wall for s in samples if s.ok]
        return (statistics.median(walls) if walls else None,
                f"median of {len(walls)} cold builds made for this measurement")

    def incremental(self, size: int) -> None:
        project = self.work / f"book-{size}"
        if not (project / "content" / str(size)).is_dir():
            project, _ = self.project(size)
        spec = generate.spec_path(project, size, "pdf")
        target = _editable_article(spec, size)
        original = target.read_bytes()
        for fmt in self.args.formats:
            cold, how = self.cold_median(size, fmt, project)
            prepare = run_bookmaker(project, size, fmt, self.args, cold=False, force=False)
            self.check(prepare, f"incremental {fmt}: the first build")
            out = project / "dist" / f"{generate.slug(size, fmt)}.{fmt}"
            pages_before = count_pages(out) if fmt == "pdf" and out.is_file() else None
            samples = []
            for i in range(self.runs(size)):
                if not _append_sentence(target, EDIT.format(n=i + 1)):
                    raise SystemExit(f"bench: the edit of {target} did not land in its last "
                                     "paragraph")
                s = run_bookmaker(project, size, fmt, self.args, cold=False, force=False,
                                  note=f"rebuild after edit {i + 1} of {target.name}")
                if s.ok and "nothing to do" in s.said:
                    s.error = "the edit was not noticed: nothing was rebuilt"
                samples.append(asdict(s))
                self.failures += not s.ok
                self.say(f"incremental {fmt}, {size} articles, edit {i + 1}: {s.wall:.2f} s"
                         + (f", {s.pages} pages (before: {pages_before})" if s.pages else "")
                         + ("" if s.ok else f"  FAILED: {s.error}"))
            target.write_bytes(original)
            self.results["incremental"][fmt] = {
                "size": size, "article": target.relative_to(project).as_posix(),
                "cold": cold, "cold_how": how, "pages_before": pages_before,
                "rebuilds": samples}
            self.write()
            if self.args.watch:
                self.watch_edits(size, fmt, project, target, cold)
                target.write_bytes(original)
                self.write()
            if self.args.serve:
                self.served_edits(size, fmt, project, target, cold)
                target.write_bytes(original)
                self.write()
        if self.args.watch and "epub" in self.args.formats:
            self.startup(project)
            self.write()
        self.results["cache"]["edited"] = self.sweep(project, size)
        self.write()

    def sweep(self, project: Path, size: int) -> dict[str, Any]:
        """The project's cache before and after `bookmaker clean --unused`, and
        how long that took (what a build's own sweep costs, start-up aside)."""
        before = _tree_size(project / ".bookmaker-cache")
        s = measure([*bookmaker_command(), "clean", "--unused"], cwd=project, tool="bookmaker",
                    interval=self.args.interval, log=self.args.log)
        self.check(s, f"clean --unused, {size} articles")
        after = _tree_size(project / ".bookmaker-cache")
        self.say(f"clean --unused, {size} articles: {s.wall:.3f} s; cache {filesize(before[0])} in "
                 f"{before[1]} files → {filesize(after[0])} in {after[1]} files")
        return {"size": size, "before": before, "after": after, "sample": asdict(s)}

    def watch_edits(self, size: int, fmt: str, project: Path, target: Path,
                    cold: float | None) -> None:
        """The same edits while `bookmaker watch` runs: from the write of the edited
        article to the line that says the book was built."""
        import queue
        import signal

        cmd = [*bookmaker_command(), "watch", "-j", str(self.args.jobs), generate.slug(size, fmt)]
        proc = subprocess.Popen([str(c) for c in cmd], cwd=project, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[tuple[float, str | None]] = queue.Queue()

        def pump() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.put((time.perf_counter(), line.rstrip("\n")))
            lines.put((time.perf_counter(), None))

        threading.Thread(target=pump, daemon=True).start()

        def until(prefix: str) -> tuple[float, str]:
            while True:
                at, line = lines.get(timeout=1800)
                if line is None:
                    raise RuntimeError(f"the watch ended (exit code {proc.wait()})")
                if line.startswith("bookmaker: error"):
                    raise RuntimeError(line)
                if line.startswith(prefix):
                    return at, line

        samples: list[dict[str, Any]] = []
        largest = 0
        try:
            until("watching ")
            for i in range(self.runs(size)):
                found = _last_paragraph(target)
                if found is None:
                    raise RuntimeError(f"no last paragraph in {target}")
                text, at = found
                edited = text[:at] + EDIT.format(n=f"w{i + 1}") + text[at:]
                time.sleep(0.5)  # the watch is idle
                start = time.perf_counter()
                target.write_text(edited, encoding="utf-8")
                end, said = until("built ")
                until("watching ")  # the build has finished (its state saved)
                out = project / "dist" / f"{generate.slug(size, fmt)}.{fmt}"
                pages = count_pages(out) if fmt == "pdf" else None
                samples.append(asdict(Sample(tool="bookmaker watch", wall=end - start,
                                             pages=pages, said=said,
                                             note=f"watch: edit {i + 1} of {target.name}")))
                self.say(f"watch {fmt}, {size} articles, edit {i + 1}: {end - start:.3f} s"
                         + (f", {pages} pages" if pages else ""))
            largest = _status(proc.pid)[1]
        except (RuntimeError, queue.Empty) as exc:
            self.failures += 1
            samples.append(asdict(Sample(tool="bookmaker watch", exit=1, error=str(exc)[:300])))
            self.say(f"watch {fmt}, {size} articles FAILED: {exc}")
        finally:
            _stop(proc, signal.SIGINT)
        self.results["watch"][fmt] = {"size": size, "cold": cold, "rebuilds": samples,
                                      "largest": largest}

    def served_edits(self, size: int, fmt: str, project: Path, target: Path,
                     cold: float | None) -> None:
        """Cold builds handed to `bookmaker serve`, then the same edits, each a new
        `bookmaker build`, while it runs (the builds run in forks of it)."""
        import queue
        import signal

        # the server's socket folder, this bench's own; short, as a socket's address is
        # (a deep work folder would send the server to the user's shared one)
        run = Path(tempfile.mkdtemp(prefix="bookmaker-bench-"))
        env = {k: v for k, v in os.environ.items() if k != NO_SERVER}
        env["XDG_RUNTIME_DIR"] = str(run)
        server = subprocess.Popen([str(c) for c in (*bookmaker_command(), "serve")], cwd=project,
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert server.stderr is not None
            with open(self.args.log, "a", encoding="utf-8") as log:
                for line in server.stderr:
                    log.write(f"[serve] {line}")
                    log.flush()
                    lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

        def served() -> str:
            """The server's line for the command that just ended."""
            line = lines.get(timeout=60)
            if line is None:
                raise RuntimeError(f"the server ended (exit code {server.wait()})")
            return line

        samples: list[dict[str, Any]] = []
        colds: list[dict[str, Any]] = []
        largest = 0
        pages_before = None
        try:
            if not served().startswith("serving "):
                raise RuntimeError("the server did not start")
            # first: they empty the cache, and the edits leave what the sweep below finds
            for i in range(self.runs(size)):
                s = run_bookmaker(project, size, fmt, self.args, env=env,
                                  note=f"served cold build {i + 1}")
                if s.ok and ": exit 0, " not in (line := served()):
                    s.error = f"not run by the server: {line[:200]}"
                colds.append(asdict(s))
                self.check(s, f"served {fmt}: cold build {i + 1}")
                self.say(f"served {fmt}, {size} articles, cold build {i + 1}: {s.wall:.2f} s")
            prepare = run_bookmaker(project, size, fmt, self.args, cold=False, force=False,
                                    env=env)
            self.check(prepare, f"served {fmt}: the first build")
            served()
            out = project / "dist" / f"{generate.slug(size, fmt)}.{fmt}"
            pages_before = count_pages(out) if fmt == "pdf" and out.is_file() else None
            for i in range(self.runs(size)):
                if not _append_sentence(target, EDIT.format(n=f"s{i + 1}")):
                    raise RuntimeError(f"the edit of {target} did not land in its last paragraph")
                s = run_bookmaker(project, size, fmt, self.args, cold=False, force=False,
                                  env=env, note=f"served rebuild after edit {i + 1} of "
                                  f"{target.name}")
                line = served()
                if s.ok and "nothing to do" in s.said:
                    s.error = "the edit was not noticed: nothing was rebuilt"
                elif s.ok and ": exit 0, " not in line:
                    s.error = f"not run by the server: {line[:200]}"
                samples.append(asdict(s))
                self.failures += not s.ok
                self.say(f"served {fmt}, {size} articles, edit {i + 1}: {s.wall:.3f} s"
                         + (f", {s.pages} pages" if s.pages else "")
                         + ("" if s.ok else f"  FAILED: {s.error}"))
            largest = _status(server.pid)[1]
        except (RuntimeError, queue.Empty) as exc:
            self.failures += 1
            samples.append(asdict(Sample(tool="bookmaker", exit=1, error=str(exc)[:300])))
            self.say(f"served {fmt}, {size} articles FAILED: {exc}")
        finally:
            _stop(server, signal.SIGTERM)
            shutil.rmtree(run, ignore_errors=True)
        self.results["served"][fmt] = {"size": size, "cold": cold, "rebuilds": samples,
                                       "colds": colds, "largest": largest,
                                       "pages_before": pages_before}

    def startup(self, project: Path) -> None:
        """What every new `bookmaker build` pays before it reads a file: Python's
        start, and the imports of an EPUB rebuild (fresh processes, medians of 10)."""
        python = str(Path(sys.executable))
        modules = ("bookmaker.cli, bookmaker.make.run, bookmaker.render.views, "
                   "bookmaker.writers.epub.writer, bookmaker.readers.mia.text, "
                   "bookmaker.writers.epub.archive")
        got: dict[str, Any] = {"modules": modules}
        for name, code in (("python", "pass"), ("imports", f"import {modules}"),
                           ("client", "import bookmaker.serve.client")):
            walls = []
            for _ in range(10):
                s = measure([python, "-c", code], cwd=project, tool="python",
                            interval=self.args.interval)
                self.check(s, f"start-up: {name}")
                walls.append(s.wall)
            got[name] = statistics.median(walls)
        self.say(f"start-up: python {got['python']:.3f} s, with the imports "
                 f"{got['imports']:.3f} s, with the client alone {got['client']:.3f} s")
        self.results["startup"] = got

    def noop(self, size: int) -> None:
        project = self.work / f"book-{size}"
        if not (project / "content" / str(size)).is_dir():
            project, _ = self.project(size)
        start = time.perf_counter()
        prepare = measure([*bookmaker_command(), "build", "-j", str(self.args.jobs)],
                          cwd=project, tool="bookmaker", interval=self.args.interval,
                          log=self.args.log)
        self.check(prepare, "no-op: the first build")
        self.say(f"no-op, {size} articles: brought up to date in {time.perf_counter() - start:.1f} s")
        samples = []
        for i in range(max(5, self.runs(size))):
            offset = _log_size(self.args.log)
            s = measure([*bookmaker_command(), "build"], cwd=project, tool="bookmaker",
                        interval=self.args.interval, log=self.args.log)
            said = _log_since(self.args.log, offset)
            if s.ok and "nothing to do" not in said:
                s.error = "not a no-op: " + (said.strip().splitlines() or [""])[-1][:200]
            samples.append(asdict(s))
            self.failures += not s.ok
            self.say(f"no-op, {size} articles, run {i + 1}: {s.wall:.3f} s"
                     + ("" if s.ok else f"  FAILED: {s.error}"))
        self.results["noop"] = {"size": size, "formats": list(generate.FORMATS),
                                "runs": samples}
        self.results["cache"]["noop"] = self.sweep(project, size)
        self.write()

    def write(self, final: bool = False) -> None:
        self.results["finished"] = final
        self.results["elapsed"] = time.perf_counter() - self.t0
        self.results["load_now"] = [round(x, 2) for x in os.getloadavg()]
        text = redact(report(self.results, self.args), self.work)
        self.args.results.write_text(text, encoding="utf-8")


def redact(text: str, work: Path) -> str:
    """The report without this machine's folders: the work folder becomes
    WORKDIR and the repository's own path is left out (the report is committed)."""
    return text.replace(str(work), "WORKDIR").replace(str(ROOT) + os.sep, "")


def _stop(proc: subprocess.Popen[str], signum: int) -> None:
    """Ask a long-running command to end (the watch, the server); kill it if it does not."""
    proc.send_signal(signum)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under `folder`."""
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return sum(p.stat().st_size for p in files), len(files)


def _log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def _log_since(log: Path, offset: int) -> str:
    """What the commands wrote to the log after `offset`."""
    with open(log, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", errors="replace")


def _editable_article(spec: Path, size: int) -> Path:
    """The article edited for the incremental figures: the one in the middle of the book
    (or the next one whose last paragraph can be found in its file)."""
    import bookmaker

    entries = bookmaker.load_spec(spec).articles
    for entry in [*entries[len(entries) // 2:], *entries[:len(entries) // 2]]:
        original = entry.path.read_bytes()
        try:
            if _append_sentence(entry.path, EDIT.format(n=0)):
                return entry.path
        finally:
            entry.path.write_bytes(original)
    raise SystemExit(f"bench: no article of {spec} has a last paragraph the benchmark can edit")


def _last_paragraph(path: Path) -> tuple[str, int] | None:
    """(file text, the offset just after the article's last paragraph), if found."""
    import bookmaker
    from bookmaker import model as m

    article = bookmaker.read_article(path)
    paragraphs = [b for b in article.blocks if isinstance(b, (m.Paragraph, m.Speech))]
    if not paragraphs:
        return None
    words = m.plain_text(paragraphs[-1].content).split()
    text = path.read_text(encoding="utf-8")
    for n in (8, 5, 3):
        tail = " ".join(words[-n:])
        at = text.rfind(tail)
        if len(words) >= n and at >= 0:
            return text, at + len(tail)
    return None


def _append_sentence(path: Path, sentence: str) -> bool:
    """Append `sentence` to the article's last paragraph; False if that cannot be done
    (the file may then be changed: the caller restores it)."""
    import bookmaker
    from bookmaker import model as m

    found = _last_paragraph(path)
    if found is None:
        return False
    text, at = found
    path.write_text(text[:at] + sentence + text[at:], encoding="utf-8")
    article = bookmaker.read_article(path)
    last = [b for b in article.blocks if isinstance(b, (m.Paragraph, m.Speech))][-1]
    return m.plain_text(last.content).rstrip().endswith(sentence.strip())


# --- the report --------------------------------------------------------------------

def mb(n: float | None) -> str:
    return "—" if not n else f"{n / 2**20:,.0f} MB"


def filesize(n: int | None) -> str:
    return "—" if not n else f"{n / 2**20:.1f} MB" if n < 10 * 2**20 else f"{n / 2**20:.0f} MB"


def secs(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def times(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×"


def verdict(value: float | None, limit: float, *, at_least: bool = False) -> str:
    if value is None:
        return "not measured"
    ok = value >= limit if at_least else value <= limit
    return "**PASS**" if ok else "**FAIL**"


@dataclass
class Summary:
    runs: int = 0
    failed: int = 0
    wall: float | None = None     # median
    cpu: float | None = None      # median
    largest: int | None = None    # max over runs
    tree: int | None = None       # max over runs
    pages: int | None = None
    output_bytes: int | None = None
    errors: list[str] = field(default_factory=list)

    def rate(self) -> float | None:
        return self.pages / self.wall if self.pages and self.wall else None


def summarise(samples: Sequence[dict[str, Any]]) -> Summary:
    good = [s for s in samples if s["exit"] == 0 and not s["error"]]
    out = Summary(runs=len(good), failed=len(samples) - len(good),
                  errors=[s["error"] for s in samples if s["error"]])
    if good:
        out.wall = statistics.median(s["wall"] for s in good)
        out.cpu = statistics.median(s["cpu"] for s in good)
        out.largest = max(s["largest"] for s in good)
        out.tree = max(s["tree"] for s in good)
        out.pages = good[-1]["pages"]
        out.output_bytes = good[-1]["output_bytes"]
    return out


def report(res: dict[str, Any], args: argparse.Namespace) -> str:
    jobs = args.jobs
    sizes = sorted(int(s) for s in res["sizes"])
    summary: dict[tuple[int, str, str], Summary] = {}
    for size in sizes:
        for fmt in ("pdf", "epub"):
            data = res["sizes"][str(size)].get(fmt)
            if data:
                for tool in ("bookmaker", "pandoc", "plain"):
                    summary[(size, fmt, tool)] = summarise(data.get(tool, []))

    def get(size: int, fmt: str, tool: str) -> Summary:
        return summary.get((size, fmt, tool), Summary())

    min_runs = min((s.runs for s in summary.values() if s.runs), default=0)
    reasons = []
    if not res.get("finished"):
        reasons.append("the run is still going or was interrupted")
    missing = [n for n in DEFAULT_SIZES if n not in sizes]
    if missing:
        reasons.append(f"sizes {', '.join(map(str, missing))} were not run")
    if min_runs < 3:
        reasons.append(f"some figures come from {min_runs} run(s), fewer than 3")
    if args.only:
        reasons.append(f"only {args.only} was run")
    m = res["machine"]
    L: list[str] = ["# Benchmark results: bookmaker and pandoc", ""]
    if reasons:
        L += [f"> **PROVISIONAL** — {'; '.join(reasons)}. These figures show that the "
              "harness works; they are not the issue's measurements. Re-run "
              "`.venv/bin/python bench/perf.py` (see bench/README.md) for those.", ""]
    load_end = res.get("load_now")
    if args.note:
        L += [f"> Note: {args.note}", ""]
    L += ["Written by `bench/perf.py` — keep it current: re-run after a change that may "
          "affect speed or memory, and commit this file.", "",
          f"- Command: `{res['command']}`",
          f"- Started {res['started']}; took {res['elapsed'] / 60:.1f} min",
          "", "## Machine", "",
          f"- CPU: {m['cpu']}; {m['logical_cores']} logical cores ({m['physical_cores']} "
          f"physical), {m['usable_cores']} usable by this process",
          f"- RAM: {m['ram_bytes'] / 2**30:.1f} GiB",
          f"- Load average (1, 5, 15 min) at the start: {', '.join(map(str, m['load_at_start']))}"
          + (f"; at the end: {', '.join(map(str, load_end))}" if load_end else ""),
          f"- OS: {m['os']}",
          f"- Python {m['python']}, WeasyPrint {m['weasyprint']}, pandoc {m['pandoc']}",
          f"- bookmaker {m['bookmaker']}",
          "",
          f"bookmaker runs `bookmaker build -j {jobs} --force BOOK` from a cold cache; pandoc "
          "runs `pandoc -t epub3 --toc --css`, or `pandoc -t html5 --standalone --toc --css` "
          "then `weasyprint --pdf-variant V --pdf-tags` (V: the variant of bookmaker's PDF, "
          "pdf/ua-1 by default), on the same articles and the theme's CSS, with the few rules "
          "that give "
          "pandoc's HTML the theme's page furniture (folios, running heads, chapters on a "
          "right-hand page, contents with page numbers; bench/generate.py). Times are medians, "
          "memory the highest peak over the runs. “Largest” is the largest single process, "
          "“sum” the peak of the RSS summed over the process tree. Per core: bookmaker "
          f"counts {jobs} cores (`-j {jobs}`), pandoc → WeasyPrint 1.", ""]

    targets: list[tuple[str, str, str, str]] = []
    if "pdf" in args.formats:
        L += ["## PDF (A5, contents, footnotes)", "",
              "| articles | runs | bookmaker | pandoc → WeasyPrint | time ratio | pages (bookmaker / "
              "pandoc) | bookmaker pages/s (per core) | pandoc pages/s (per core) | CPU s "
              "(bookmaker / pandoc) | size (bookmaker / pandoc) |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for size in sizes:
            b, p = get(size, "pdf", "bookmaker"), get(size, "pdf", "pandoc")
            if not b.runs and not p.runs and not (b.failed or p.failed):
                continue
            br, pr = b.rate(), p.rate()
            L.append(f"| {size} | {max(b.runs, p.runs)}{_failed(b, p)} | {secs(b.wall)} | "
                     f"{secs(p.wall)} | {times(ratio(b.wall, p.wall))} | {b.pages or '—'} / "
                     f"{p.pages or '—'} | {_rate(br, jobs)} | {_rate(pr, 1)} | "
                     f"{_num(b.cpu)} / {_num(p.cpu)} | "
                     f"{filesize(b.output_bytes)} / {filesize(p.output_bytes)} |")
        L += ["", "| articles | bookmaker largest | bookmaker sum | pandoc → WeasyPrint largest "
              "| pandoc → WeasyPrint sum | largest ratio | sum ratio |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for size in sizes:
            b, p = get(size, "pdf", "bookmaker"), get(size, "pdf", "pandoc")
            if b.runs or p.runs:
                L.append(f"| {size} | {mb(b.largest)} | {mb(b.tree)} | {mb(p.largest)} | "
                         f"{mb(p.tree)} | {times(ratio(b.largest, p.largest))} | "
                         f"{times(ratio(b.tree, p.tree))} |")
        L.append("")
        plain = [size for size in sizes if get(size, "pdf", "plain").runs]
        if plain:
            L += ["Reference: pandoc → WeasyPrint on the theme's CSS alone, untagged, as "
                  "earlier versions of this file measured it. The theme's rules name bookmaker's "
                  "classes, so pandoc's book then has no folios, running heads, right-hand "
                  "chapter openings or contents page numbers; not the same book.", "",
                  "| articles | runs | pandoc → WeasyPrint, plain | bookmaker | time ratio | "
                  "pages (plain) | CPU s (plain) | largest (plain) |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for size in plain:
                b, q = get(size, "pdf", "bookmaker"), get(size, "pdf", "plain")
                L.append(f"| {size} | {q.runs}{_failed(q, q)} | {secs(q.wall)} | {secs(b.wall)} "
                         f"| {times(ratio(b.wall, q.wall))} | {q.pages or '—'} | {_num(q.cpu)} "
                         f"| {mb(q.largest)} |")
            L.append("")
        b, p = get(200, "pdf", "bookmaker"), get(200, "pdf", "pandoc")
        r = ratio(b.wall, p.wall)
        targets.append(("PDF, 200 articles: wall time against pandoc → WeasyPrint",
                        f"≤ {PDF_TIME}×", _against(r, b.wall, p.wall, secs),
                        verdict(r, PDF_TIME)))
        r = ratio(b.largest, p.largest)
        targets.append(("PDF, 200 articles: largest process against pandoc → WeasyPrint's",
                        f"≤ {PDF_MEMORY}×", _against(r, b.largest, p.largest, mb),
                        verdict(r, PDF_MEMORY)))
        r50, r1000 = get(50, "pdf", "bookmaker").rate(), get(1000, "pdf", "bookmaker").rate()
        r = ratio(r1000, r50)
        targets.append(("PDF: bookmaker's pages/s per core at 1000 articles against 50",
                        f"≥ {PDF_SCALING}×",
                        _against(r, r1000 and r1000 / jobs, r50 and r50 / jobs,
                                 lambda x: f"{x:.1f}" if x else "—"),
                        verdict(r, PDF_SCALING, at_least=True)))
    if "epub" in args.formats:
        L += ["## EPUB", "",
              "| articles | runs | bookmaker | pandoc | time ratio | size (bookmaker / pandoc) | "
              "CPU s (bookmaker / pandoc) | bookmaker largest | bookmaker sum | pandoc largest | "
              "pandoc sum | sum ratio |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for size in sizes:
            b, p = get(size, "epub", "bookmaker"), get(size, "epub", "pandoc")
            if not b.runs and not p.runs and not (b.failed or p.failed):
                continue
            L.append(f"| {size} | {max(b.runs, p.runs)}{_failed(b, p)} | {secs(b.wall)} | "
                     f"{secs(p.wall)} | {times(ratio(b.wall, p.wall))} | "
                     f"{filesize(b.output_bytes)} / {filesize(p.output_bytes)} | "
                     f"{_num(b.cpu)} / {_num(p.cpu)} | {mb(b.largest)} | {mb(b.tree)} | "
                     f"{mb(p.largest)} | {mb(p.tree)} | {times(ratio(b.tree, p.tree))} |")
        L.append("")
        b, p = get(1000, "epub", "bookmaker"), get(1000, "epub", "pandoc")
        r = ratio(b.wall, p.wall)
        targets.append(("EPUB, 1000 articles: wall time against pandoc", f"≤ {EPUB_TIME}×",
                        _against(r, b.wall, p.wall, secs), verdict(r, EPUB_TIME)))
        r = ratio(b.tree, p.tree)
        targets.append(("EPUB, 1000 articles: peak memory (sum over processes) against pandoc",
                        f"≤ {EPUB_MEMORY}×", _against(r, b.tree, p.tree, mb),
                        verdict(r, EPUB_MEMORY)))

    inc = res.get("incremental") or {}
    if inc:
        L += ["## Incremental builds", "",
              "After a build, one sentence is appended to the last paragraph of the article in "
              "the middle of the book and the book is rebuilt (`bookmaker build -j "
              f"{jobs} BOOK`, no `--force`); once per run, each edit adding a sentence.", "",
              "| format | articles | edited article | cold build | rebuild (median) | ratio | "
              "pages before → after |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
        for fmt in ("pdf", "epub"):
            d = inc.get(fmt)
            if not d:
                continue
            s = summarise(d["rebuilds"])
            pages = "—"
            if fmt == "pdf":
                after = sorted({x["pages"] for x in d["rebuilds"] if x["pages"]})
                pages = f"{d['pages_before']} → {', '.join(map(str, after)) or '—'}"
            L.append(f"| {fmt.upper()} | {d['size']} | `{d['article']}` | {secs(d['cold'])} "
                     f"| {secs(s.wall)}{_failed(s, s)} | {times(ratio(s.wall, d['cold']))} | "
                     f"{pages} |")
        L.append("")
        for fmt in ("pdf", "epub"):
            if fmt in inc:
                why = [_reason(x.get("said", "")) for x in inc[fmt]["rebuilds"]]
                L.append(f"- {fmt.upper()}: bookmaker's reason for each rebuild: "
                         + "; ".join(f"edit {i}: {w}" for i, w in enumerate(why, start=1)))
        L += ["", "The cold build is " + "; ".join(
            f"{fmt.upper()}: {inc[fmt]['cold_how']}" for fmt in ("pdf", "epub") if fmt in inc)
            + ".", ""]
    watched = res.get("watch") or {}
    startup = res.get("startup") or {}
    if watched:
        L += ["## Rebuilds in `bookmaker watch`", "",
              "The same edits while `bookmaker watch -j "
              f"{jobs} BOOK` runs (one process, started before the first edit): the time "
              "from writing the edited article to the watch's line that says the book was "
              "built. It includes the 20 to 40 ms the watch waits for the files to be quiet "
              "(it looks every 20 ms, and builds once nothing changed since it last looked).", "",
              "| format | articles | cold build | edit → built (median) | fastest | slowest "
              "| ratio | watch process |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for fmt in ("pdf", "epub"):
            d = watched.get(fmt)
            if not d:
                continue
            s = summarise(d["rebuilds"])
            walls = [x["wall"] for x in d["rebuilds"] if x["exit"] == 0 and not x["error"]]
            L.append(f"| {fmt.upper()} | {d['size']} | {secs(d['cold'])} | "
                     f"{secs(s.wall)}{_failed(s, s)} | {secs(min(walls) if walls else None)} | "
                     f"{secs(max(walls) if walls else None)} | "
                     f"{times(ratio(s.wall, d['cold']))} | {mb(d.get('largest') or None)} |")
        L.append("")
    served = res.get("served") or {}
    if served:
        L += ["## Rebuilds with `bookmaker serve`", "",
              "While `bookmaker serve` runs, cold builds (`--force`, the cache removed), then "
              f"the same edits, each a new `bookmaker build -j {jobs} BOOK` as above: the "
              "command hands itself to the server, which runs it in a fork of itself that "
              "has bookmaker (Click, Jinja2, WeasyPrint, the readers and writers) loaded "
              "already. The time is the command's, from its start to its end, as above.", "",
              "| format | articles | cold build | cold build, served | rebuild, served "
              "(median) | fastest | slowest | ratio to the cold build | ratio to the served "
              "cold build | server process |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for fmt in ("pdf", "epub"):
            d = served.get(fmt)
            if not d:
                continue
            s, c = summarise(d["rebuilds"]), summarise(d.get("colds") or [])
            walls = [x["wall"] for x in d["rebuilds"] if x["exit"] == 0 and not x["error"]]
            L.append(f"| {fmt.upper()} | {d['size']} | {secs(d['cold'])} | {secs(c.wall)} | "
                     f"{secs(s.wall)}{_failed(s, s)} | {secs(min(walls) if walls else None)} | "
                     f"{secs(max(walls) if walls else None)} | "
                     f"{times(ratio(s.wall, d['cold']))} | {times(ratio(s.wall, c.wall))} | "
                     f"{mb(d.get('largest') or None)} |")
        L.append("")
    if startup:
        cold = (inc.get("epub") or {}).get("cold")
        L += [f"What every new `bookmaker build` pays before it reads a file, in fresh "
              f"processes (medians of 10): starting Python, {secs(startup['python'])}; "
              f"starting it and importing what an EPUB rebuild imports ({startup['modules']}: "
              f"Click, Jinja2, the model), {secs(startup['imports'])}"
              + (f", {times(ratio(startup['imports'], cold))} the cold EPUB build" if cold
                 else "") + "."
              + (f" With a server running, a command imports only its client "
                 f"(bookmaker.client): {secs(startup['client'])} with Python's start."
                 if startup.get("client") else ""), ""]
    for fmt, limit in (("pdf", INCR_PDF), ("epub", INCR_EPUB)):
        if fmt not in args.formats:
            continue
        d = inc.get(fmt)
        label = (f"{fmt.upper()}, 200 articles: rebuild after editing one article (a new "
                 "`bookmaker build`), against "
                 "the cold build" + (" (same page count)" if fmt == "pdf" else ""))
        if not d:
            targets.append((label, f"≤ {limit}×", "—", "not measured"))
            continue
        s = summarise(d["rebuilds"])
        r = ratio(s.wall, d["cold"])
        kept = all(x["pages"] == d["pages_before"] for x in d["rebuilds"]) if fmt == "pdf" else True
        text = _against(r, s.wall, d["cold"], secs) + ("" if kept else "; the page count changed")
        if d["size"] != 200:
            targets.append((label, f"≤ {limit}×", text + f" — at {d['size']} articles",
                            "not measured at 200"))
        else:
            targets.append((label, f"≤ {limit}×", text, verdict(r, limit)))
        w = watched.get(fmt)
        if w and w["size"] == 200:
            s = summarise(w["rebuilds"])
            r = ratio(s.wall, w["cold"])
            targets.append((f"{fmt.upper()}, 200 articles: the same edits in `bookmaker watch` "
                            "(edit → built), against the cold build", f"≤ {limit}×",
                            _against(r, s.wall, w["cold"], secs), verdict(r, limit)))
        v = served.get(fmt)
        if v and v["size"] == 200:
            s, c = summarise(v["rebuilds"]), summarise(v.get("colds") or [])
            r, rc = ratio(s.wall, v["cold"]), ratio(s.wall, c.wall)
            # judged on the worse of the two: the server makes cold builds quicker too
            worst = None if r is None or rc is None else max(r, rc)
            kept = fmt != "pdf" or all(x["pages"] == v.get("pages_before")
                                       for x in v["rebuilds"])
            targets.append((f"{fmt.upper()}, 200 articles: the same edits, a new `bookmaker "
                            "build` each, with `bookmaker serve` running, against the cold "
                            "build (and against a cold build handed to the server)"
                            + (" (same page count)" if fmt == "pdf" else ""),
                            f"≤ {limit}×", _against(r, s.wall, v["cold"], secs)
                            + ("" if rc is None else f"; {rc:.2f}× against {secs(c.wall)}")
                            + ("" if kept else "; the page count changed"),
                            verdict(worst, limit)))

    noop = res.get("noop") or {}
    if noop:
        s = summarise(noop["runs"])
        walls = [x["wall"] for x in noop["runs"] if x["exit"] == 0 and not x["error"]]
        L += ["## No-op build", "",
              f"`bookmaker build` in the {noop['size']}-article project (its EPUB and PDF "
              "books, all up to date), a fresh process each time.", "",
              "| articles | runs | median | fastest | slowest | largest process |",
              "| ---: | ---: | ---: | ---: | ---: | ---: |",
              f"| {noop['size']} | {s.runs}{_failed(s, s)} | {secs(s.wall)} | "
              f"{secs(min(walls) if walls else None)} | {secs(max(walls) if walls else None)} | "
              f"{mb(s.largest)} |", ""]
        label = "No-op build of the 1000-article project"
        if noop["size"] == 1000:
            targets.append((label, f"< {NOOP_SECONDS:.0f} s", secs(s.wall),
                            verdict(s.wall, NOOP_SECONDS - 1e-9)))
        else:
            targets.append((label, f"< {NOOP_SECONDS:.0f} s",
                            f"{secs(s.wall)} at {noop['size']} articles", "not measured at 1000"))
    elif not args.only:
        targets.append(("No-op build of the 1000-article project", f"< {NOOP_SECONDS:.0f} s",
                        "—", "not measured"))

    cache = res.get("cache") or {}
    if cache:
        L += ["## The cache", "",
              "`bookmaker clean --unused` after the runs above: it removes the entries that the "
              "last build of each book did not use (a build does the same once it has made a "
              "quarter as many entries as the cache kept). Its time, start-up included, bounds "
              "what a build's own sweep costs.", "",
              "| project | cache before | after | removed | `clean --unused` |",
              "| --- | ---: | ---: | ---: | ---: |"]
        for name, label in (("edited", "after the incremental edits"),
                            ("noop", "after the no-op builds")):
            c = cache.get(name)
            if c:
                (b_bytes, b_files), (a_bytes, a_files) = c["before"], c["after"]
                L.append(f"| {c['size']} articles, {label} | {filesize(b_bytes)}, {b_files} files | "
                         f"{filesize(a_bytes)}, {a_files} files | {b_files - a_files} files | "
                         f"{secs(c['sample']['wall'])} |")
        L.append("")

    if targets and args.only != "pandoc":
        L[L.index("## Machine"):L.index("## Machine")] = [
            "## The issue's targets", "",
            "| target | required | measured | verdict |", "| --- | --- | --- | --- |",
            *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets), ""]

    errors = [(size, fmt, tool, e) for (size, fmt, tool), s in summary.items() for e in s.errors]
    if errors:
        L += ["## Failures", ""] + [f"- {size} articles, {fmt}, {tool}: {e}"
                                    for size, fmt, tool, e in errors] + [""]
    L += ["## Every run", "", "<details><summary>Raw figures (JSON)</summary>", "", "```json",
          json.dumps({k: res.get(k) for k in ("sizes", "incremental", "watch", "served", "startup",
                                               "noop", "cache", "warmup")},
                     indent=1, default=str),
          "```", "", "</details>", ""]
    return "\n".join(L)


def _reason(said: str) -> str:
    """'built /x/dist/b.pdf (content/a.txt changed)' -> 'content/a.txt changed'."""
    if "(" in said and said.rstrip().endswith(")"):
        return said[said.rfind("(") + 1:said.rstrip().rfind(")")]
    return said or "—"


def _failed(a: Summary, b: Summary) -> str:
    n = a.failed + (b.failed if b is not a else 0)
    return f" ({n} failed)" if n else ""


def _rate(rate: float | None, cores: int) -> str:
    return "—" if rate is None else f"{rate:.1f} ({rate / cores:.1f})"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _against(r: float | None, a: Any, b: Any, fmt: Callable[[Any], str]) -> str:
    return "—" if r is None else f"{r:.2f}× ({fmt(a)} against {fmt(b)})"


# --- the command line ----------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="bookmaker against pandoc: time, memory, pages (bench/README.md).")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="article counts, comma-separated (default: 2,50,200,1000)")
    parser.add_argument("--runs", action="append", default=[],
                        help="timed runs per size and format (default 3); SIZE=N for one size")
    parser.add_argument("--formats", default="epub,pdf")
    parser.add_argument("--only", choices=("bookmaker", "pandoc"))
    parser.add_argument("-j", "--jobs", type=int, default=2, help="bookmaker build -j (default 2)")
    parser.add_argument("--incremental-size", type=int, default=200,
                        help="the book edited for the incremental figures (0: skip)")
    parser.add_argument("--plain-sizes", default="200",
                        help="sizes at which pandoc → WeasyPrint also runs on the theme's CSS "
                        "alone, for reference (comma-separated; empty: none)")
    parser.add_argument("--no-watch", dest="watch", action="store_false",
                        help="skip the edits timed while `bookmaker watch` runs")
    parser.add_argument("--no-serve", dest="serve", action="store_false",
                        help="skip the edits timed while `bookmaker serve` runs")
    parser.add_argument("--noop-size", type=int, default=1000,
                        help="the project timed for a no-op build (0: skip)")
    parser.add_argument("--workdir", type=Path, help="keep the projects here (default: temporary)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--interval", type=float, default=0.05, help="polling interval, s")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up")
    parser.add_argument("--note", default="", help="a remark printed in the report, e.g. "
                        "what else the machine was doing")
    args = parser.parse_args(argv)
    args.command_line = shlex.join([".venv/bin/python", "bench/perf.py",
                                    *(sys.argv[1:] if argv is None else argv)])
    args.sizes_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.plain_sizes_list = {int(s) for s in args.plain_sizes.split(",") if s.strip()}
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if set(args.formats) - set(generate.FORMATS) or not args.formats:
        parser.error(f"--formats: choose from {', '.join(generate.FORMATS)}")
    args.runs_default, args.runs_per_size = parse_runs(args.runs)
    os.environ[NO_SERVER] = "1"  # a server of the user's must not run the timed commands
    try:
        import psutil  # noqa: F401
    except ImportError:
        raise SystemExit("bench: psutil is missing: .venv/bin/pip install -e '.[bench]'") from None
    if args.only != "bookmaker":
        pandoc_binary()
    temporary = args.workdir is None
    args.workdir = Path(tempfile.mkdtemp(prefix="bookmaker-bench-") if temporary
                        else args.workdir).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.log = args.workdir / "commands.log"
    bench = Bench(args)
    bench.say(f"work folder {args.workdir}; commands' output in {args.log}")
    try:
        if not args.no_warmup:
            bench.warm_up()
        for size in args.sizes_list:
            bench.size(size)
        if args.only != "pandoc":
            if args.incremental_size:
                bench.incremental(args.incremental_size)
            if args.noop_size:
                bench.noop(args.noop_size)
        bench.write(final=True)
        bench.say(f"wrote {args.results}")
    finally:
        if temporary and not bench.failures:
            shutil.rmtree(args.workdir, ignore_errors=True)
        elif temporary:
            bench.say(f"kept {args.workdir} for the failures ({args.log})")


if __name__ == "__main__":
    main()
