#!/usr/bin/env python3
"""bench --part table1 JFR: main-thread + ForkJoinPool samples grouped by method (marker frames on the main stack)."""
import json, subprocess, sys, collections, bisect
rec = sys.argv[1]
MARK = [("ours: optimise", "org.pathways.pipeline.PerImage.optimise"), ("ours: cluster", "org.pathways.pipeline.PerImage.cluster"),
        ("maskcut", "org.pathways.baseline.Baselines.maskcutOnSimilarities"), ("ncut eigen-solves (features + attention)", "org.pathways.baseline.NormalizedCut.smallest"), ("tokencut", "org.pathways.baseline.Baselines.tokencut"),
        ("ncut (features + attention)", "org.pathways.baseline.Baselines.ncut"), ("kmeans-features", "org.pathways.baseline.Baselines.kmeans"),
        ("prepare (shared)", "org.pathways.baseline.Baselines$Prepared.<init>"), ("forward pass", "org.pathways.model.VitBackbone.graphs"),
        ("weights: random + write", "org.pathways.model.SafeTensors.writeFloat32"), ("weights: random + write", "org.pathways.model.VisionTransformer.randomWeights")]
S = []
for kind in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
    js = subprocess.run(["jfr", "print", "--json", "--stack-depth", "400", "--events", kind, rec], capture_output=True, text=True, check=True).stdout
    for ev in json.loads(js)["recording"]["events"]:
        th = ev["values"]["sampledThread"]["javaName"] or ""
        if th != "main" and not th.startswith("ForkJoinPool"): continue
        fr = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in ev["values"]["stackTrace"]["frames"]]
        S.append((kind[4] == "N", fr, th, ev["values"]["startTime"]))
def ph(fr):
    for n, m in MARK:
        if m in fr: return n
    return "other"
main = sorted((t, ph(fr)) for n, fr, th, t in S if th == "main"); times = [t for t, _ in main]
by = collections.defaultdict(list)
for nat, fr, th, t in S:
    p = ph(fr) if th == "main" else main[min(bisect.bisect_left(times, t), len(times) - 1)][1]
    by[p].append((nat, th != "main", fr))
tot = len(S)
for p, ss in sorted(by.items(), key=lambda x: -len(x[1])):
    n = len(ss)
    print(f"\n## {p}: {n} samples ({100*n/tot:.0f}% of all), {sum(1 for s in ss if s[1])} on workers, {100*sum(1 for s in ss if s[0])/n:.0f}% native")
    c = collections.Counter(fr[0] + (" [N]" if nat else "") + (" [W]" if w else "") for nat, w, fr in ss if fr)
    for m, k in c.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 6): print(f"    {100*k/n:5.1f}%  {k:5d}  {m}")
    o = collections.Counter(next((x for x in fr if x.startswith("org.pathways.")), "(none)") for nat, w, fr in ss)
    print("  nearest org.pathways frame: " + "; ".join(f"{m.replace('org.pathways.', '')} {100*k/n:.0f}%" for m, k in o.most_common(4)))
