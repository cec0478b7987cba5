#!/usr/bin/env bash
# Interlaced media from another encoder: a photograph panned at 50 frames/s under temporal noise, woven into 25
# interlaced frames a second (each field from its own instant, so motion combs), with black, a freeze, SMPTE bars,
# dropped frames and damaged pictures at known times; encoded 576i and 1080i, MPEG-2 (+ilme+ildct) and x264
# (interlaced, MBAFF), top field first and bottom field first, by Debian's ffmpeg. Plus two hard negatives per codec:
# a clip whose field order changes mid-stream, and one of interlaced motion only. Each clip is read by
# `avmon analyze --json` (default profile). Needs Debian's `ffmpeg` and `mate-backgrounds`.
# Usage: benchmarks/unseen/interlaced.sh [work-dir] [avmon command...]
# The avmon command defaults to bin/avmon. Clips already in the work directory are read again, not re-encoded.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=common.sh
. benchmarks/unseen/common.sh
: > "$out/truth.txt"

# Each frame's field order comes from setfield, so the encoders signal a change of it where it happens.
# The picture at 50 frames/s: a pan at 50 px/s (1 px a field) under live noise of strength 5; woven two frames to one
# (tinterlace interleave_top: the earlier frame gives the top field; interleave_bottom: the bottom field).
# Timeline at 25 frames/s: live 0-4 s, black 4-8 s, live 8-10 s, frozen 10-14 s (frames 250-349 repeat frame 250, both
# fields, as a stuck frame store does), live 14-16 s, SMPTE bars 16-20 s, live 20-24 s with 3 frames dropped at 21 s.
picture() { # width height order(top|bottom) seconds-of-swap(0: none)
  local w=$1 h=$2 order=$3 swap=$4 other
  [ "$order" = top ] && other=bottom || other=top
  local weave="tinterlace=mode=interleave_$order,setfield=$( [ "$order" = top ] && echo tff || echo bff )"
  if [ "$swap" != 0 ]; then
    # The field order changes at $swap s: two weaves of the same pan, cut together.
    weave="split[p][q];[p]trim=end=$swap,tinterlace=mode=interleave_$order,setfield=$( [ "$order" = top ] && echo tff || echo bff )[p1];[q]trim=start=$swap,setpts=PTS-STARTPTS,tinterlace=mode=interleave_$other,setfield=$( [ "$other" = top ] && echo tff || echo bff )[q1];[p1][q1]concat=n=2:v=1:a=0"
  fi
  echo "scale=$((w * 2)):-2,crop=$w:$h:x='40+t*50':y=60,noise=alls=5:allf=t,format=yuv420p,$weave"
}

encode() { # name codec(mpeg2|x264) width height order(top|bottom) kind(defects|negatives|swap)
  local name=$1 codec=$2 w=$3 h=$4 order=$5 kind=$6 venc flags
  if [ "$codec" = mpeg2 ]; then
    venc=(-c:v mpeg2video -b:v $((w * h * 25 / 2000))k -maxrate $((w * h * 25 / 1500))k -bufsize 4M -g 12 -bf 2
          -flags +ilme+ildct -alternate_scan 1)
  else
    venc=(-c:v libx264 -preset veryfast -b:v $((w * h * 25 / 5000))k -g 25 -flags +ilme+ildct
          -x264opts "$([ "$order" = top ] && echo tff=1 || echo bff=1)")
  fi
  local pic filter
  case $kind in
    defects)
      pic=$(picture "$w" "$h" "$order" 0)
      filter="[0:v]fps=50,$pic,fps=25[live];
        color=c=black:s=${w}x${h}:r=25:d=4,format=yuv420p,setfield=$([ "$order" = top ] && echo tff || echo bff)[black];
        smptebars=s=${w}x${h}:r=25:d=4,format=yuv420p,setfield=$([ "$order" = top ] && echo tff || echo bff)[bars];
        [live]split=4[l0][l1][l2][l3];
        [l0]trim=0:4,setpts=PTS-STARTPTS[a];
        [l1]trim=8:14,setpts=PTS-STARTPTS,split[b0][b1];[b0][b1]freezeframes=first=50:last=149:replace=50[b];
        [l2]trim=14:16,setpts=PTS-STARTPTS[c];
        [l3]trim=20:24,setpts=PTS-STARTPTS[d];
        [a][black][b][c][bars][d]concat=n=6:v=1:a=0,select='not(between(n\,525\,527))'[v]"
      echo "$name: BLACK_FRAMES 4-8 s; FROZEN_FRAMES 10-14 s; COLOR_BARS 16-20 s; FRAME_DROP 21.00-21.12 s (3 frames); BLOCK_CORRUPTION from 22.5 s (damaged pictures 22.5-22.7 s)" >> "$out/truth.txt"
      ;;
    negatives)
      pic=$(picture "$w" "$h" "$order" 0)
      filter="[0:v]fps=50,$pic,fps=25,trim=0:12[v]"
      echo "$name: interlaced pan under live noise, 12 s (not a defect)" >> "$out/truth.txt"
      ;;
    swap)
      pic=$(picture "$w" "$h" "$order" 6)
      filter="[0:v]fps=50,$pic,fps=25,trim=0:12[v]"
      echo "$name: interlaced pan whose field order changes at 6 s, 12 s (not a defect)" >> "$out/truth.txt"
      ;;
  esac
  # A clip already in the work directory is kept (delete it to encode it again): re-reading is cheap, encoding not.
  [ -s "$out/$name.ts" ] && return
  ff -loop 1 -framerate 50 -t 24 -i "$photo" -f lavfi -t 24 -i "sine=frequency=440:sample_rate=48000" \
    -filter_complex "$filter" -map "[v]" -map 1:a -fps_mode passthrough "${venc[@]}" \
    -c:a mp2 -b:a 192k -shortest -f mpegts "$out/$name.ts"
  if [ "$kind" = defects ]; then
    damage "$out/$name.ts" 22.5 22.7
  fi
}

# Damages the payload of every video PES whose PTS lies in [from, to) s (after the first PTS): 16 bytes XORed in each
# of its TS packets after the first, as packet loss corrupts a contribution feed.
damage() { # file from to
  python3 - "$@" <<'PY'
import random, sys
path, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
data = bytearray(open(path, 'rb').read())
rng = random.Random(7)
video_pid, first, inside = None, None, False
for off in range(0, len(data) - 187, 188):
    p = data[off:off + 188]
    pid = ((p[1] & 0x1F) << 8) | p[2]
    pusi = p[1] & 0x40
    afc = (p[3] >> 4) & 3
    start = 4 + (1 + p[4] if afc & 2 else 0)
    if pusi and start + 14 <= 188 and p[start:start + 3] == b'\x00\x00\x01':
        sid = p[start + 3]
        if 0xE0 <= sid <= 0xEF:
            video_pid = pid
            if p[start + 7] & 0x80:
                b = p[start + 9:start + 14]
                pts = (((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1) / 90000
                first = pts if first is None else first
                inside = t0 <= pts - first < t1
            continue
    if pid == video_pid and inside and afc & 1 and start < 188 - 16:
        for _ in range(16):
            i = rng.randrange(start, 188)
            data[off + i] ^= rng.randrange(1, 256)
open(path, 'wb').write(bytes(data))
PY
}

for codec in mpeg2 x264; do
  for size in 720x576 1920x1080; do
    w=${size%x*}; h=${size#*x}
    for order in top bottom; do
      encode "$codec-${h}i-$order-defects" "$codec" "$w" "$h" "$order" defects
    done
  done
  encode "$codec-576i-top-negatives" "$codec" 720 576 top negatives
  encode "$codec-1080i-top-swap" "$codec" 1920 1080 top swap
  encode "$codec-576i-bottom-swap" "$codec" 720 576 bottom swap
done

report "$out" "${avmon[@]}"
