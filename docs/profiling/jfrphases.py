#!/usr/bin/env python3
"""Top methods per segment phase from a JFR recording (jdk.ExecutionSample + jdk.NativeMethodSample, both at 10 ms).
A sample belongs to the phase whose marker method is on its stack (graphs: Backbone.graphs under PerImage.segment;
optimise: PerImage.optimise; cluster: PerImage.cluster; write: PerImage.write / SegmentCommand.writeInstances).
usage: jfrphases.py REC.jfr [TOP]"""
import json, subprocess, sys, collections

rec = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
MARKERS = [  # first match from the top of the stack wins
    ("cluster", "org.pathways.pipeline.PerImage.cluster"),
    ("optimise", "org.pathways.pipeline.PerImage.optimise"),
    ("instances", "org.pathways.cli.SegmentCommand.writeInstances"),
    ("write", "org.pathways.pipeline.PerImage.write"),
    ("graphs", ".graphs"),  # VitBackbone.graphs / PixelsBackbone.graphs / Backbone.graphs, called by PerImage.segment
]

def frames_of(ev):
    out = []
    for f in ev["values"]["stackTrace"]["frames"]:
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out

samples = []  # (kind, frames)
for kind in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
    js = subprocess.run(["jfr", "print", "--json", "--stack-depth", "400", "--events", kind, rec], capture_output=True, text=True, check=True).stdout
    for ev in json.loads(js)["recording"]["events"]:
        th = ev["values"]["sampledThread"]["javaName"] or ""
        if th != "main" and not th.startswith("ForkJoinPool"):
            continue
        samples.append(("J" if kind == "jdk.ExecutionSample" else "N", frames_of(ev), th, ev["values"]["startTime"]))

def phase(fr):
    if not any(x.startswith("org.pathways.pipeline.PerImage.segment") or x.startswith("org.pathways.cli.SegmentCommand") or "Bench" in x or "TorchProf" in x for x in fr):
        return "other"
    for name, marker in MARKERS:
        for x in fr:
            if (marker.startswith(".") and x.startswith("org.pathways.model.") and x.endswith(marker)) or x == marker:
                return name
    return "other"

# main-thread samples by their stack; ForkJoinPool workers (parallel streams) by the main thread's phase nearest in time
import bisect
main = sorted((t, phase(fr)) for k, fr, th, t in samples if th == "main")
times = [t for t, _ in main]
by = collections.defaultdict(list)
for k, fr, th, t in samples:
    if th == "main":
        by[phase(fr)].append((k, fr))
    else:
        i = min(bisect.bisect_left(times, t), len(times) - 1)
        by[main[i][1]].append(("W", fr))

print(f"# {rec}: {len(samples)} main-thread + worker samples at 10 ms ([N] = in a native method, [W] = on a ForkJoinPool worker)")
for name in ["graphs", "optimise", "cluster", "instances", "write", "other"]:
    ss = by.get(name, [])
    if not ss:
        continue
    n = len(ss)
    nat = sum(1 for k, _ in ss if k == "N")
    wk = sum(1 for k, _ in ss if k == "W")
    print(f"\n## {name}: {n} samples ({n-wk} main thread, {wk} ForkJoinPool workers), {100*nat/n:.0f}% in native methods")
    selfc = collections.Counter(fr[0] + (" [N]" if k == "N" else " [W]" if k == "W" else "") for k, fr in ss if fr)
    print("  self:")
    for m, c in selfc.most_common(top):
        print(f"    {100*c/n:5.1f}%  {c:5d}  {m}")
    totc = collections.Counter()
    for k, fr in ss:
        for m in set(fr):
            totc[m] += 1
    # nearest org.pathways caller of each sample: where our code spends it
    ours = collections.Counter()
    for k, fr in ss:
        o = next((x for x in fr if x.startswith("org.pathways.")), "(none)")
        ours[o] += 1
    print("  total (org.pathways methods, below the phase root):")
    shown = 0
    for m, c in totc.most_common():
        if not m.startswith("org.pathways.") or c >= n - wk:
            continue
        print(f"    {100*c/n:5.1f}%  {c:5d}  {m}")
        shown += 1
        if shown == top:
            break
    print("  nearest org.pathways frame (self time attributed to our code):")
    for m, c in ours.most_common(top):
        print(f"    {100*c/n:5.1f}%  {c:5d}  {m}")
