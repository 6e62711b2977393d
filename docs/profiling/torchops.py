#!/usr/bin/env python3
"""Top libtorch ops (self and total CPU time) from a trace written by DJL's JniUtils.stopProfile (Chrome trace, 'X' events).
Self = an op's duration minus that of the ops nested in it on the same thread. usage: torchops.py TRACE.json [TOP]"""
import json, sys, collections
ev = json.load(open(sys.argv[1]))
ev = ev["traceEvents"] if isinstance(ev, dict) else ev
top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
ev = [e for e in ev if e.get("ph") == "X"]
selft, tot, cnt, shapes = collections.Counter(), collections.Counter(), collections.Counter(), collections.defaultdict(collections.Counter)
wall = 0.0
for tid in set(e["tid"] for e in ev):
    es = sorted((e for e in ev if e["tid"] == tid), key=lambda e: (e["ts"], -e["dur"]))
    stack = []  # [end, event, childDur]
    def close(item):
        end, e, child = item
        selft[e["name"]] += e["dur"] - child
    for e in es:
        while stack and e["ts"] >= stack[-1][0] - 1e-6:
            close(stack.pop())
        if stack:
            stack[-1][2] += e["dur"]
        else:
            wall += e["dur"]
        if not any(s[1]["name"] == e["name"] for s in stack):
            tot[e["name"]] += e["dur"]
        cnt[e["name"]] += 1
        shapes[e["name"]][str(e.get("shape", ""))] += e["dur"]
        stack.append([e["ts"] + e["dur"], e, 0.0])
    while stack:
        close(stack.pop())
all_self = sum(selft.values())
print(f"# {sys.argv[1]}: {len(ev)} op calls, {all_self/1e6:.2f} s in top-level ops (threads: {len(set(e['tid'] for e in ev))})")
print("self:")
for n, t in selft.most_common(top):
    sh = shapes[n].most_common(1)[0][0]
    print(f"  {100*t/all_self:5.1f}%  {t/1e3:9.1f} ms  {cnt[n]:6d} calls  {n}   e.g. {sh[:90]}")
print("total (including nested ops):")
for n, t in tot.most_common(top):
    print(f"  {100*t/all_self:5.1f}%  {t/1e3:9.1f} ms  {cnt[n]:6d} calls  {n}")
