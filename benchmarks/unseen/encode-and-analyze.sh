#!/usr/bin/env bash
# Media avmon was not developed against: ffmpeg's own test patterns, and a photograph panned, frozen and held
# still under sensor noise, encoded by x264 and x265 (Debian's ffmpeg), then read by `bin/avmon analyze --json`.
# Prints what was put in and what avmon reported, per clip. Needs Debian's `ffmpeg` and `mate-backgrounds`, and a
# built tree (`mvn -DskipTests install`). Usage: benchmarks/unseen/encode-and-analyze.sh [work-dir]
# AVMON names another launcher of the CLI (default bin/avmon). SETS limits the photograph clips to some sets (dev, held;
# default both). Clips already in the work directory are read again, not re-encoded.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
# shellcheck source=common.sh
. benchmarks/unseen/common.sh

# 4 s each, 720p25: moving test card, SMPTE bars, moving, SMPTE HD bars, moving, EBU 100% bars, moving, black,
# moving. A 1 kHz tone at about -32 LUFS throughout.
src=()
for s in testsrc2 smptebars testsrc2 smptehdbars testsrc2 pal100bars testsrc2 color=c=black testsrc2; do
  [[ $s == *=* ]] && sep=: || sep==
  src+=(-f lavfi -t 4 -i "$s${sep}s=1280x720:r=25")
done
[ -f "$out/patterns-x264.ts" ] || ff "${src[@]}" -f lavfi -t 36 -i "sine=frequency=1000:sample_rate=48000,volume=-14dB,aformat=channel_layouts=stereo" \
  -filter_complex "concat=n=9:v=1:a=0,format=yuv420p[v]" -map "[v]" -map 9:a \
  -c:v libx264 -preset veryfast -g 50 -c:a aac -f mpegts "$out/patterns-x264.ts"
echo "patterns-x264: COLOR_BARS 4-8 s (SMPTE), 12-16 s (SMPTE HD), 20-24 s (EBU 100%); BLACK_FRAMES 28-32 s" > "$out/truth.txt"

# A photograph panning at 25 px/s under temporal noise of strength N; frames 150-249 (6-10 s) replaced by frame 150
# (a freeze upstream: its noise frozen too); 14-22 s the camera holds still, its noise live; then it pans again.
# The noise filter's seed is its default (123457, as the clips made before SEED existed) unless SEED is set.
# The photograph is scaled once and looped in memory (decoding a large JPEG per frame dominated the run time).
still() { # name photo noise encoder-options...
  local name=$1 photo=$2 noise=$3; shift 3
  local scaled="$out/$(basename "$photo" .jpg)-2400.png"
  [ -f "$scaled" ] || ff -i "$photo" -vf scale=2400:-2,format=yuv420p -frames:v 1 "$scaled"
  [ -f "$out/$name.ts" ] || ff -i "$scaled" -f lavfi -t 26 -i "sine=frequency=440:sample_rate=48000" \
    -filter_complex "[0:v]loop=loop=649:size=1:start=0,setpts=N/25/TB,crop=1280:720:x='if(between(t,14,22),300,40+t*25)':y=100,noise=alls=$noise:allf=t:all_seed=${SEED:-123457},format=yuv420p,split[a][b];[a][b]freezeframes=first=150:last=249:replace=150[v]" \
    -map "[v]" -map 1:a -r 25 "$@" -c:a aac -f mpegts "$out/$name.ts"
  echo "$name: FROZEN_FRAMES 6-10 s; a live still with noise $noise at 14-22 s (not a defect)" >> "$out/truth.txt"
}
# x265 ultrafast at a constant rate, one clip per rate:GOP ("closed": closed GOPs).
x265_rates() { # tag photo noise rate:GOP[:closed]...
  local tag=$1 photo=$2 n=$3 spec r g closed
  shift 3
  for spec in "$@"; do
    IFS=: read -r r g closed <<<"$spec"
    still $tag-x265-$r-g$g${closed:+-closed} "$photo" "$n" -c:v libx265 -preset ultrafast -b:v "$r" -g "$g" \
      -x265-params "keyint=$g:min-keyint=$g${closed:+:open-gop=0}:log-level=error"
  done
}
# x264 veryfast (High, B-frames, CABAC) at CRF 23 with its default 10 s GOP, at 2 and 4 Mb/s with 2 s GOPs, x264
# medium (High) at CRF 23 with 1 s GOPs, and x265 at CRF 28 with its default 10 s GOP; then x265 at a constant rate,
# as the accuracy corpus encodes it: 0.6 and 2 Mb/s with 5 s GOPs, 1 and 4 Mb/s with 10 s GOPs.
encodings() { # set photo noise
  local set=$1 photo=/usr/share/backgrounds/mate/nature/$2.jpg n=$3 tag=$1-$2-n$3
  still $tag-x264-crf23-g250 "$photo" "$n" -c:v libx264 -preset veryfast
  still $tag-x264-2M-g50 "$photo" "$n" -c:v libx264 -preset veryfast -b:v 2M -g 50
  still $tag-x264-4M-g50 "$photo" "$n" -c:v libx264 -preset veryfast -b:v 4M -g 50
  still $tag-x265-crf28-g250 "$photo" "$n" -c:v libx265 -preset ultrafast -crf 28 -x265-params log-level=error
  still $tag-x264high-crf23-g25 "$photo" "$n" -c:v libx264 -preset medium -profile:v high -g 25
  # x265 at a constant rate: rate:GOP, and "closed" for closed GOPs (as segmenting for HLS or DASH needs) with key
  # frames inside the freeze: every 6.08 s (0.08 s into it, right after a P picture of the frozen picture; the live
  # still holds the one at 18.24 s), and every 4.08 s (8.16 s, half way; the live still holds two, 16.32 and 20.40 s).
  x265_rates $tag "$photo" "$n" 600k:125 1M:250 2M:125 4M:250 600k:152:closed 1M:152:closed 2M:152:closed 600k:102:closed
}
# Light noise (strength 3-4) under x264 at CRF 23: x264 codes a live still's noise down to near-repeats.
light() { # set photo noise
  local set=$1 photo=/usr/share/backgrounds/mate/nature/$2.jpg n=$3
  still $set-$2-n$n-x264-crf23-g250 "$photo" "$n" -c:v libx264 -preset veryfast
}
# Heavier noise (9-11) under x265 at a constant rate in open GOPs: x265 refines such a frozen picture in bursts that
# jump over a level after its repeats.
heavy() { # set photo noise
  x265_rates "$1-$2-n$3" "/usr/share/backgrounds/mate/nature/$2.jpg" "$3" 600k:125 1M:250 2M:125 4M:250
}
sets=${SETS:-dev held}
# Development media (the freeze detector's thresholds were tuned on these): Dune, noise strength 5 and 12, first;
# Storm at 8 and LadyBird at 5, held out for the noise measure, were looked at after it and became development media.
if [[ $sets == *dev* ]]; then
  encodings dev Dune 5
  encodings dev Dune 12
  encodings dev Storm 8
  encodings dev LadyBird 5
  light dev Dune 3
  light dev Storm 4
  light dev LadyBird 3
  heavy dev GreenMeadow 10
  heavy dev FreshFlower 9
  heavy dev RainDrops 11
  heavy dev Garden 10
fi
# Held out since the exact-repeat and I-picture work (no threshold was tuned on them, and they were looked at only once
# those were settled): other photographs, other noise strengths, another noise seed.
if [[ $sets == *held* ]]; then
  SEED=4242 encodings held Wood 7
  SEED=4242 encodings held TwoWings 4
  SEED=4242 encodings held YellowFlower 10
  SEED=4242 light held Wood 3
fi

report "$out" ${AVMON:-bin/avmon}
