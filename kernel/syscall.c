/* System calls (abi/vireo/syscall.h). Every argument is checked; a bad one
 * is answered with a status code, never a fault. */
#include "x86/frame.h"
#include "log.h"
#include "stop.h"
#include "task.h"
#include "user_copy.h"
#include "user_range.h"
#include <vireo/format.h>
#include <vireo/status.h>
#include <vireo/syscall.h>

void syscall_dispatch(struct cpu_frame *frame);

enum { CONSOLE_CHUNK = 256, CONSOLE_LINE_MAX = 160 };

struct console_line {
    char text[CONSOLE_LINE_MAX + 1];
    size_t len;
};

static void line_flush(struct console_line *line, const char *who)
{
    line->text[line->len] = '\0';
    kprintf("%s: %s\n", who, line->text); /* user output: always shown */
    line->len = 0;
}

static enum vireo_status sys_console_write(u64 buf, u64 len)
{
    if (len > VIREO_CONSOLE_WRITE_MAX)
        return VIREO_E_INVALID_ARG;
    struct task *task = task_current();
    /* Check the whole range before printing any of it. */
    if (!user_range_ok(task->pml4, buf, len, false))
        return VIREO_E_BAD_ADDRESS;
    char chunk[CONSOLE_CHUNK];
    struct console_line line = {.len = 0};
    for (u64 done = 0; done < len; done += CONSOLE_CHUNK) {
        u64 n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;
        if (!copy_from_user(chunk, buf + done, n))
            return VIREO_E_BAD_ADDRESS;
        for (u64 i = 0; i < n; i++) {
            char c = chunk[i];
            if (c == '\n') {
                line_flush(&line, task->name);
                continue;
            }
            /* No terminal control sequences from user space. */
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                c = '?';
            line.text[line.len++] = c;
            if (line.len == CONSOLE_LINE_MAX)
                line_flush(&line, task->name);
        }
    }
    if (line.len)
        line_flush(&line, task->name);
    return VIREO_OK;
}

static __attribute__((noreturn)) void sys_exit(u64 status)
{
    struct task *task = task_current();
    char reason[96];
    if (status == 0) {
        snformat(reason, sizeof(reason), "%s exited", task->name);
        system_stop(VIREO_STOP_OK, reason);
    }
    snformat(reason, sizeof(reason), "%s exited with status %lld", task->name, (long long)status);
    system_stop(VIREO_STOP_INIT_FAILED, reason);
}

void syscall_dispatch(struct cpu_frame *frame)
{
    switch (frame->rax) {
    case VIREO_SYS_CONSOLE_WRITE:
        frame->rax = sys_console_write(frame->rdi, frame->rsi);
        break;
    case VIREO_SYS_EXIT:
        sys_exit(frame->rdi);
    default:
        frame->rax = VIREO_E_INVALID_SYSCALL;
        break;
    }
}
