/* Fixed-width types and layout helpers shared by loader, kernel and servers. */
#ifndef VIREO_ABI_TYPES_H
#define VIREO_ABI_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* Pins a layout that crosses a boundary (loader/kernel or kernel/user). */
#define VIREO_ABI_SIZE(type, bytes)                                                                \
    _Static_assert(sizeof(type) == (bytes), #type " must be " #bytes " bytes")
#define VIREO_ABI_OFFSET(type, member, off)                                                        \
    _Static_assert(offsetof(type, member) == (off), #type "." #member " must be at " #off)

#endif
