#include "CKernels.h"

/*
 * The widest vector extension the elementwise kernels (output stages,
 * depthwise rows) may use on this CPU: 2 for AVX-512 F, BW, DQ and VL,
 * 1 for AVX2, 0 for neither or a non-x86 build. Detected once;
 * __builtin_cpu_supports also checks that the OS saves the vector state.
 */
static int level_limit = 2;

void ck_limit_vector_level(int limit) {
    __atomic_store_n(&level_limit, limit < 0 ? 0 : limit, __ATOMIC_RELAXED);
}

int ck_vector_level(void) {
    const int limit = __atomic_load_n(&level_limit, __ATOMIC_RELAXED);
#if defined(__x86_64__)
    static int level = -1;
    int known = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (known < 0) {
        /* A benign race: every thread computes the same value. */
        __builtin_cpu_init();
        known = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                 && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) ? 2
              : __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&level, known, __ATOMIC_RELAXED);
    }
    return known < limit ? known : limit;
#else
    (void)limit;
    return 0;
#endif
}
