//! Measuring on the device: the stack high-water mark of a call (paint the free stack, run
//! the call, scan for the lowest word it overwrote) and the instructions it executes (the
//! SysTick counter while QEMU runs with `-icount shift=0`, calibrated against a loop of known
//! length).

use core::arch::asm;
use core::ptr::{addr_of, read_volatile, write_volatile};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;

/// The paint: a word no stack frame is likely to hold.
const PAINT: u32 = 0xC0DE_CAFE;

/// Room left above the painted area for `paint`'s own frame.
const PAINT_MARGIN: usize = 256;

extern "C" {
    /// End of `.bss` and `.uninit`, where cortex-m-rt would start a heap: the stack grows
    /// down towards it.
    static _stack_end: u32;
}

fn stack_pointer() -> usize {
    usize::try_from(cortex_m::register::msp::read()).unwrap_or(usize::MAX)
}

/// Paints every free stack word below the caller's frame.
#[inline(never)]
fn paint() {
    // SAFETY: the words between the end of the static data and (the stack pointer less a
    // margin for this frame) belong to no live frame and no static; nothing else runs
    // (no interrupts are enabled).
    let bottom = addr_of!(_stack_end) as usize;
    let top = stack_pointer() - PAINT_MARGIN;
    let mut p = bottom;
    while p < top {
        unsafe { write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Lowest stack address overwritten since [`paint`].
fn lowest_touched() -> usize {
    let mut p = addr_of!(_stack_end) as usize;
    // SAFETY: as in `paint`: reads of free stack words.
    while unsafe { read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    p
}

/// Runs `f` and returns its result and the bytes of stack it used below the caller's frame
/// (its own frames and everything it called).
#[inline(never)]
pub fn stack_used<R>(f: impl FnOnce() -> R) -> (R, usize) {
    paint();
    let sp = stack_pointer();
    let result = call(f);
    let used = sp.saturating_sub(lowest_touched());
    (result, used)
}

#[inline(never)]
fn call<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Counts SysTick ticks of the processor clock. Under QEMU's `-icount shift=0` each
/// instruction advances virtual time by 1 ns, so ticks are instructions divided by the
/// clock period in ns (40 at the board's 25 MHz); [`Instructions::calibrate`] measures
/// that ratio instead of assuming it.
pub struct Instructions {
    syst: SYST,
    /// Instructions per tick times 1000.
    per_tick_milli: u64,
}

impl Instructions {
    /// The longest count the 24-bit down-counter holds.
    const RELOAD: u32 = 0x00FF_FFFF;

    /// Takes the SysTick timer, running from the processor clock.
    pub fn new(mut syst: SYST) -> Self {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(Self::RELOAD);
        syst.clear_current();
        syst.enable_counter();
        Instructions {
            syst,
            per_tick_milli: 0,
        }
    }

    /// Runs `f`, returning its result and the SysTick ticks it took, or `None` when the
    /// counter wrapped (the call was too long to measure).
    #[inline(never)]
    pub fn ticks<R>(&mut self, f: impl FnOnce() -> R) -> (R, Option<u32>) {
        // Writing the current value zeroes it; the counter reloads on the next tick.
        self.syst.clear_current();
        while SYST::get_current() == 0 {}
        // Reading the control register clears the wrap flag.
        let _ = self.syst.has_wrapped();
        let start = SYST::get_current();
        let result = call(f);
        let end = SYST::get_current();
        let ticks = if self.syst.has_wrapped() {
            None
        } else {
            Some(start - end)
        };
        (result, ticks)
    }

    /// Measures the ticks of `LOOPS` iterations of a two-instruction loop (`subs`, `bne`)
    /// and stores the instructions per tick; returns (instructions, ticks).
    pub fn calibrate(&mut self) -> (u64, u32) {
        const LOOPS: u32 = 1_000_000;
        let ((), ticks) = self.ticks(|| unsafe {
            // SAFETY: a register count-down loop; touches no memory.
            asm!("2:", "subs {0}, #1", "bne 2b", inout(reg) LOOPS => _, options(nomem, nostack));
        });
        let ticks = ticks.unwrap_or(u32::MAX);
        let instructions = 2 * u64::from(LOOPS);
        self.per_tick_milli = instructions * 1000 / u64::from(ticks.max(1));
        (instructions, ticks)
    }

    /// Ticks converted to instructions with the calibrated ratio.
    pub fn instructions(&self, ticks: u32) -> u64 {
        u64::from(ticks) * self.per_tick_milli / 1000
    }
}
