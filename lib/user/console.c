/* Console output for ring 3: format into a buffer, flush with one
 * console_write per buffer-full. */
#include <vireo/user.h>
#include <vireo/format.h>
#include <vireo/syscall.h>
#include <string.h>

struct console_buffer {
    char data[256];
    size_t used;
};

static void flush(struct console_buffer *b)
{
    if (b->used)
        sys_console_write(b->data, b->used);
    b->used = 0;
}

static void console_sink(void *ctx, const char *s, size_t n)
{
    struct console_buffer *b = ctx;
    while (n) {
        size_t room = sizeof(b->data) - b->used;
        size_t k = n < room ? n : room;
        memcpy(b->data + b->used, s, k);
        b->used += k;
        s += k;
        n -= k;
        if (b->used == sizeof(b->data))
            flush(b);
    }
}

static void vprint(const char *fmt, va_list ap)
{
    struct console_buffer b = {.used = 0};
    vformat(console_sink, &b, fmt, ap);
    flush(&b);
}

void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void puts(const char *s)
{
    printf("%s\n", s);
}

void user_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
    sys_exit(1);
}

void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    user_fatal("stack smashing detected\n");
}
