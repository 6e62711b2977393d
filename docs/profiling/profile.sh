#!/usr/bin/env bash
# The profiling runs behind docs/performance.md. Usage (from the repository root): docs/profiling/profile.sh [OUT]
# Every run holds /tmp/pathways-build.lock, so that builds and other measurements on the machine do not overlap it.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/prof}; mkdir -p "$OUT"
P=docs/profiling
D=/work/shared/images/coco-val2017                     # COCO val2017 (data-scripts); the first three files
IMGS=$(ls $D | head -3 | sed "s|^|$D/|"); IMG=$(echo "$IMGS" | head -1)
LOCK="flock /tmp/pathways-build.lock"
$LOCK ./pathways build
CP="lib/target/classes:$(cat lib/target/classpath.txt)"
JAVA="java -Dai.djl.offline=true -Djava.awt.headless=true -Xmx8g -cp $CP"
# JFR's profile settings with native-method samples every 10 ms, like Java samples (default 20 ms)
sed 's/method-sampling-native-interval">20 ms/method-sampling-native-interval">10 ms/' \
  "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" > "$OUT/profile10.jfc"
# random DINO ViT-S/16 weights of the real sizes (as bench --part vit writes them)
$LOCK $JAVA $P/MakeWeights.java "$OUT/vits16-random.safetensors"
JFR="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=settings=$OUT/profile10.jfc,filename"
run() { local name=$1; shift; rm -rf "$OUT/out-$name"
  PATHWAYS_JAVA_OPTS="$JFR=$OUT/$name.jfr" $LOCK /usr/bin/time -f "wall %e s, max RSS %M KiB" ./pathways "$@" > "$OUT/$name.log" 2>&1; }
run vit3 segment $IMGS --backbone dino-vits16 --weights "$OUT/vits16-random.safetensors" --vit-resize authors --schedule authors --out "$OUT/out-vit3"
run pixels segment "$IMG" --out "$OUT/out-pixels"
run table1 bench --part table1
# libtorch's profiler (DJL JniUtils.startProfile/stopProfile) around graphs, then optimise + cluster
$LOCK $JAVA $P/TorchProf.java dino-vits16 "$OUT/vits16-random.safetensors" "$IMG" authors "$OUT/torch-vit" > "$OUT/torch-vit.log" 2>&1
$LOCK $JAVA $P/TorchProf.java pixels - "$IMG" paper "$OUT/torch-pixels" > "$OUT/torch-pixels.log" 2>&1
# the breakdowns
for r in vit3 pixels; do $LOCK python3 $P/jfrphases.py "$OUT/$r.jfr" > "$OUT/$r.txt"; done
$LOCK python3 $P/table1phases.py "$OUT/table1.jfr" > "$OUT/table1.txt"
for t in torch-vit-graphs torch-vit-optcluster torch-pixels-optcluster; do python3 $P/torchops.py "$OUT/$t.json" 14 > "$OUT/$t.txt"; done
python3 -c 'import json,sys; [print(f, json.load(open(f))["seconds"]) for f in sys.argv[1:]]' "$OUT"/out-*/*/summary.json
echo "breakdowns: $OUT/*.txt"
