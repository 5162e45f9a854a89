/* console_write: user text on the kernel console, each line prefixed with
 * the calling PD's name. The whole buffer is checked before a byte is
 * printed. */
#include "console.h"
#include "runtime.h"
#include "user_mem.h"
#include "../log.h"
#include "../page_table.h"

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

static bool readable(const struct obj_pd *pd, u64 buf, u64 len)
{
    if (buf >= USER_HALF_END || len > USER_HALF_END - buf)
        return false;
    for (u64 page = buf & ~(u64)(PAGE_SIZE - 1); page < buf + len; page += PAGE_SIZE) {
        if (!user_page(pd, page, false))
            return false;
    }
    return true;
}

enum vireo_status console_write(const struct obj_pd *pd, u64 buf, u64 len)
{
    if (len > VIREO_CONSOLE_WRITE_MAX)
        return VIREO_E_INVALID_ARG;
    if (!readable(pd, buf, len))
        return VIREO_E_BAD_ADDRESS;
    char name[24], chunk[CONSOLE_CHUNK];
    const char *who = rt_pd_name(pd, name);
    struct console_line line = {.len = 0};
    for (u64 done = 0; done < len; done += CONSOLE_CHUNK) {
        u64 n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;
        if (!user_read(pd, buf + done, chunk, n))
            return VIREO_E_BAD_ADDRESS;
        for (u64 i = 0; i < n; i++) {
            char c = chunk[i];
            if (c == '\n') {
                line_flush(&line, who);
                continue;
            }
            /* No terminal control sequences from user space. */
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                c = '?';
            line.text[line.len++] = c;
            if (line.len == CONSOLE_LINE_MAX)
                line_flush(&line, who);
        }
    }
    if (line.len)
        line_flush(&line, who);
    return VIREO_OK;
}

enum vireo_status console_read_name(const struct obj_pd *pd, u64 addr, char out[OBJ_PD_NAME_LEN])
{
    for (u32 i = 0; i < OBJ_PD_NAME_LEN; i++) {
        char c;
        if (addr + i < addr || !user_read(pd, addr + i, &c, 1))
            return VIREO_E_BAD_ADDRESS;
        if (c == '\0') {
            out[i] = '\0';
            return VIREO_OK;
        }
        out[i] = (c < 0x20 || c >= 0x7f) ? '?' : c;
    }
    return VIREO_E_INVALID_ARG; /* no NUL within 16 bytes */
}
