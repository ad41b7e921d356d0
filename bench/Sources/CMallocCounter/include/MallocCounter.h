#ifndef TESSERA_MALLOC_COUNTER_H
#define TESSERA_MALLOC_COUNTER_H
// Counts heap allocations made while counting is on, by defining the allocation functions in the
// executable that links this target: the dynamic linker then binds every library's calls to them,
// and they forward to glibc's own implementations (__libc_malloc and friends). Linux/glibc only.
#include <stdint.h>

/// Starts counting (and resets the count).
void tessera_malloc_counter_start(void);
/// Stops counting and returns the number of allocations (malloc, calloc, realloc, aligned forms)
/// made since the start, by any thread.
uint64_t tessera_malloc_counter_stop(void);
/// Whether the allocation functions of this target are the ones the process uses.
int tessera_malloc_counter_is_active(void);

#endif
