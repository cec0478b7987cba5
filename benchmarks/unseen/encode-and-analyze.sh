#!/usr/bin/env bash
# Media avmon was not developed against: ffmpeg's own test patterns, and a photograph panned, frozen and held
# still under sensor noise, encoded by x264 and x265 (Debian's ffmpeg), then read by `bin/avmon analyze --json`.
# Prints what was put in and what avmon reported, per clip. Needs Debian's `ffmpeg` and `mate-backgrounds`, and a
# built tree (`mvn -DskipTests install`). Usage: benchmarks/unseen/encode-and-analyze.sh [work-dir]
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
ff "${src[@]}" -f lavfi -t 36 -i "sine=frequency=1000:sample_rate=48000,volume=-14dB,aformat=channel_layouts=stereo" \
  -filter_complex "concat=n=9:v=1:a=0,format=yuv420p[v]" -map "[v]" -map 9:a \
  -c:v libx264 -preset veryfast -g 50 -c:a aac -f mpegts "$out/patterns-x264.ts"
echo "patterns-x264: COLOR_BARS 4-8 s (SMPTE), 12-16 s (SMPTE HD), 20-24 s (EBU 100%); BLACK_FRAMES 28-32 s" > "$out/truth.txt"

# A photograph panning at 25 px/s under temporal noise of strength N; frames 150-249 (6-10 s) replaced by frame 150
# (a freeze upstream: its noise frozen too); 14-22 s the camera holds still, its noise live; then it pans again.
still() { # name noise encoder-options...
  local name=$1 noise=$2; shift 2
  ff -loop 1 -framerate 25 -t 26 -i "$photo" -f lavfi -t 26 -i "sine=frequency=440:sample_rate=48000" \
    -filter_complex "[0:v]scale=2400:-2,crop=1280:720:x='if(between(t,14,22),300,40+t*25)':y=100,noise=alls=$noise:allf=t,format=yuv420p,split[a][b];[a][b]freezeframes=first=150:last=249:replace=150[v]" \
    -map "[v]" -map 1:a "$@" -c:a aac -f mpegts "$out/$name.ts"
  echo "$name: FROZEN_FRAMES 6-10 s; a live still with noise $noise at 14-22 s (not a defect)" >> "$out/truth.txt"
}
still still-noise5-x264-crf23 5 -c:v libx264 -preset veryfast
still still-noise5-x264-2M-g50 5 -c:v libx264 -preset veryfast -b:v 2M -g 50
still still-noise5-x264-4M-g50 5 -c:v libx264 -preset veryfast -b:v 4M -g 50
still still-noise5-x265-crf28 5 -c:v libx265 -preset ultrafast -crf 28 -x265-params log-level=error
still still-noise12-x264-4M-g50 12 -c:v libx264 -preset veryfast -b:v 4M -g 50

report "$out" bin/avmon
