#!/usr/bin/env bash
# edjwt on a Cortex-M4 in QEMU (mps2-an386): installs the rust target and Debian's
# qemu-system-arm when missing, builds the firmware in release and runs it on the emulator.
#
#   bash embedded/run.sh            # CI: the vector suites with both backends (each must print
#                                   # "N passed, 0 failed" and exit 0), the minimal firmware,
#                                   # the measuring firmware. Measured on the shared 2-core
#                                   # machine: 90 s with one backend's build fresh, under 10 s
#                                   # with both built; a cold build under a load of 20 took 10
#                                   # minutes. Each QEMU run takes about 3 s.
#   bash embedded/run.sh footprint  # the README's table: flash, RAM, stack and instructions
#                                   # of the minimal verifier for each backend at opt-level 3
#                                   # and "z" (seven release builds: 8 minutes each on the
#                                   # shared machine under load).
#
# Only the emulator runs; nothing talks to the network but the installers.
set -euo pipefail
cd "$(dirname "$0")"

TARGET=thumbv7em-none-eabihf
rustup target add "$TARGET" >/dev/null 2>&1 || rustup target add "$TARGET"
if ! command -v qemu-system-arm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 qemu-system-arm binutils
fi

# The AN386 image is the MPS2 board with a Cortex-M4; QEMU before 6.0 lacks it, and the
# AN500 image (Cortex-M7, with an FPU, the same memory map) is then the closest.
if qemu-system-arm -machine help | grep -q '^mps2-an386 '; then
    MACHINE=(-machine mps2-an386 -cpu cortex-m4)
else
    MACHINE=(-machine mps2-an500 -cpu cortex-m7)
fi
echo "qemu: $(qemu-system-arm --version | head -1), ${MACHINE[*]}"

# Runs one firmware image; semihosting carries its output and exit status. -icount shift=0:
# one instruction per nanosecond of virtual time, so the SysTick timer counts instructions.
run_elf() {
    timeout 120 qemu-system-arm "${MACHINE[@]}" -nographic -monitor none -serial none \
        -icount shift=0 -semihosting-config enable=on,target=native -kernel "$1"
}

if [[ "${1:-}" != footprint ]]; then
    for features in "" dalek; do
        dir=target
        echo "== vectors, backend ${features:-ed25519-compact (default)}"
        cargo build -q --locked --release --target-dir "$dir" --features "$features" \
            --bin vectors --bin minimal --bin measure
        run_elf "$dir/$TARGET/release/vectors"
        echo "== minimal verifier"
        run_elf "$dir/$TARGET/release/minimal"
        echo "minimal: exit 0 (the token verified)"
        echo "== measure"
        run_elf "$dir/$TARGET/release/measure"
    done
    exit 0
fi

# footprint: one row per backend configuration and opt-level.
section() { size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
field() { sed -n "s/^$2: [a-z-]* -> \([0-9]*\) instructions.*stack \([0-9]*\) bytes/\1 \2/p" "$1"; }
echo "| backend | opt-level | .text | .rodata | flash | .data | .bss | RAM | verify (instr.) | raw Ed25519 (instr.) | JWT layer (instr.) | reject malformed (instr.) | stack of verify |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
# features:name:opt-levels
for config in ":ed25519-compact:3 z" "dalek:ed25519-dalek:3 z" \
    "compact_opt_size:ed25519-compact opt_size:3 z"; do
    IFS=: read -r features name opts <<<"$config"
    for opt in $opts; do
        dir="target/footprint/${features// /-}-$opt"
        CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt cargo build -q --locked --release \
            --target-dir "$dir" --features "$features" --bin minimal --bin measure
        elf=$dir/$TARGET/release/minimal
        run_elf "$elf"
        run_elf "$dir/$TARGET/release/measure" >"$dir/measure.txt"
        text=$(section "$elf" .text)
        rodata=$(section "$elf" .rodata)
        data=$(section "$elf" .data)
        bss=$(section "$elf" .bss)
        read -r verify stack < <(field "$dir/measure.txt" "verify (valid token)")
        read -r raw _ < <(field "$dir/measure.txt" "raw ed25519 verify")
        read -r garbage _ < <(field "$dir/measure.txt" "reject malformed")
        printf '| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n' \
            "$name" "$opt" "$text" "$rodata" $((text + rodata)) "$data" "$bss" $((data + bss)) \
            "$verify" "$raw" $((verify - raw)) "$garbage" "$stack"
    done
done
