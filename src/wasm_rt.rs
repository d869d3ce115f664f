//! Runtime pieces of the no_std wasm build (the npm package): a panic is a trap, and the heap
//! is lol_alloc's free-list allocator.
//!
//! A panic cannot be reported from here anyway: the JavaScript entry contains the trap (it
//! catches the RuntimeError and keeps the page running), so formatting a message would only
//! cost size. The allocator: dlmalloc (std's choice) is ~9 KB of wasm; tattle's heap is small
//! and short-lived (one event at a time), which a free list serves well.

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// SAFETY: wasm32-unknown-unknown without atomics has one thread.
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
