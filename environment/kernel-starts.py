#!/usr/bin/env python3
"""Starts the Pathways Java kernel N times in a row (default 50), as Jupyter does, and reports how each start went.

Each start: launch the kernel from its kernelspec, wait for the first kernel_info reply (the time to first answer),
run one cell and check its output, shut the kernel down. A start that gets no answer within --timeout seconds is a
failure: its kernel log (stderr) is kept under results/kernel-starts/. Run by hand, not in the test suite:

    python3 environment/kernel-starts.py [--starts 50] [--timeout 60] [--kernel pathways-java]

Prints one line per start and a summary (median and worst time to first answer, failures); exit status 1 when any
start failed. Needs jupyter_client, which Debian's jupyter packages bring (python3-jupyter-client).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

try:
    from jupyter_client.manager import KernelManager
except ImportError:  # e.g. a pyenv python3 first on PATH: use the python Jupyter itself runs on
    jupyter = subprocess.run(["sh", "-c", "command -v jupyter"], capture_output=True, text=True).stdout.strip()
    if jupyter and not os.environ.get("PATHWAYS_KERNEL_STARTS_REEXEC"):
        with open(jupyter) as f:
            interpreter = f.readline()[2:].strip().split()[0]
        os.environ["PATHWAYS_KERNEL_STARTS_REEXEC"] = "1"
        os.execv(interpreter, [interpreter] + sys.argv)
    sys.exit("kernel-starts: jupyter_client is not installed (sudo apt-get install python3-jupyter-client)")

CELL = 'System.out.println("pathways kernel " + (6 * 7));'
EXPECTED = "pathways kernel 42"


def one_start(kernel, timeout, log_path):
    km = KernelManager(kernel_name=kernel)
    outputs = []
    with open(log_path, "w") as log:
        start = time.monotonic()
        km.start_kernel(stdout=log, stderr=log)
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)  # sends kernel_info requests until one is answered
            first_answer = time.monotonic() - start
            reply = client.execute_interactive(CELL, timeout=timeout, output_hook=lambda m: outputs.append(m))
            text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
            ok = reply["content"]["status"] == "ok" and EXPECTED in text
            return first_answer, ok, None if ok else "cell output %r, status %s" % (text, reply["content"]["status"])
        except Exception as e:  # RuntimeError from wait_for_ready, TimeoutError from execute
            return None, False, "%s: %s" % (type(e).__name__, e)
        finally:
            client.stop_channels()
            km.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--kernel", default="pathways-java")
    parser.add_argument("--logs", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "kernel-starts"))
    args = parser.parse_args()
    os.makedirs(args.logs, exist_ok=True)
    times, failures = [], []
    for i in range(1, args.starts + 1):
        log_path = os.path.join(args.logs, "start-%02d.log" % i)
        first, ok, why = one_start(args.kernel, args.timeout, log_path)
        if ok:
            times.append(first)
            os.remove(log_path)
            print("start %2d: first answer after %.2f s, cell ok" % (i, first), flush=True)
        else:
            failures.append(i)
            print("start %2d: FAILED (%s); kernel log %s" % (i, why, log_path), flush=True)
    if times:
        print("%d of %d starts answered; time to first answer: median %.2f s, worst %.2f s"
              % (len(times), args.starts, statistics.median(times), max(times)))
    if failures:
        print("failed starts: %s" % ", ".join(map(str, failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
