/* printf-style formatting for every freestanding part of Vireo. */
#include <vireo/format.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

struct spec {
    bool left, zero, alt, space, plus;
    int width;
    int precision; /* -1: none */
    int length;    /* 0: int, 1: long, 2: long long, -1: short, -2: char, 3: size/ptrdiff/intmax */
};

struct out {
    format_sink sink;
    void *ctx;
    size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += n;
    }
}

static void pad(struct out *o, char c, int n)
{
    char buf[16];
    memset(buf, c, sizeof(buf));
    while (n > 0) {
        int k = n > 16 ? 16 : n;
        emit(o, buf, (size_t)k);
        n -= k;
    }
}

/* Writes prefix, zero padding, digits with the field's width applied. */
static void emit_number(struct out *o, const struct spec *sp, const char *prefix,
                        const char *digits, int ndigits)
{
    int plen = (int)strlen(prefix);
    int zeros = 0;
    if (sp->precision >= 0) {
        if (sp->precision > ndigits)
            zeros = sp->precision - ndigits;
    } else if (sp->zero && !sp->left && sp->width > plen + ndigits) {
        zeros = sp->width - plen - ndigits;
    }
    int total = plen + zeros + ndigits;
    if (!sp->left)
        pad(o, ' ', sp->width - total);
    emit(o, prefix, (size_t)plen);
    pad(o, '0', zeros);
    emit(o, digits, (size_t)ndigits);
    if (sp->left)
        pad(o, ' ', sp->width - total);
}

static void format_unsigned(struct out *o, const struct spec *sp, uintmax_t v, unsigned base,
                            bool upper, const char *sign)
{
    char digits[64];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char prefix[4] = {0};
    size_t plen = strlen(sign);
    memcpy(prefix, sign, plen);
    if (!(v == 0 && sp->precision == 0)) {
        do {
            digits[sizeof(digits) - 1 - n++] = set[v % base];
            v /= base;
        } while (v);
    }
    if (sp->alt && base == 16 && n && !(n == 1 && digits[sizeof(digits) - 1] == '0')) {
        prefix[plen++] = '0';
        prefix[plen++] = upper ? 'X' : 'x';
    } else if (sp->alt && base == 8 && (n == 0 || digits[sizeof(digits) - n] != '0')) {
        digits[sizeof(digits) - 1 - n++] = '0';
    }
    emit_number(o, sp, prefix, digits + sizeof(digits) - n, n);
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case -2:
        return (unsigned char)va_arg(*ap, unsigned int);
    case -1:
        return (unsigned short)va_arg(*ap, unsigned int);
    case 0:
        return va_arg(*ap, unsigned int);
    case 1:
        return va_arg(*ap, unsigned long);
    default:
        return va_arg(*ap, unsigned long long);
    }
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case -2:
        return (signed char)va_arg(*ap, int);
    case -1:
        return (short)va_arg(*ap, int);
    case 0:
        return va_arg(*ap, int);
    case 1:
        return va_arg(*ap, long);
    default:
        return va_arg(*ap, long long);
    }
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    memset(sp, 0, sizeof(*sp));
    sp->precision = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '#')
            sp->alt = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '+')
            sp->plus = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            if (sp->precision < 0)
                sp->precision = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->precision = sp->precision * 10 + (*f++ - '0');
        }
    }
    if (*f == 'h') {
        sp->length = (f[1] == 'h') ? -2 : -1;
        f += (f[1] == 'h') ? 2 : 1;
    } else if (*f == 'l') {
        sp->length = (f[1] == 'l') ? 2 : 1;
        f += (f[1] == 'l') ? 2 : 1;
    } else if (*f == 'z' || *f == 'j' || *f == 't') {
        sp->length = 3;
        f++;
    }
    return f;
}

size_t vformat(format_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
    struct out o = {sink, ctx, 0};
    va_list ap;
    va_copy(ap, ap_in);
    const char *f = fmt;
    while (*f) {
        const char *run = f;
        while (*f && *f != '%')
            f++;
        emit(&o, run, (size_t)(f - run));
        if (!*f)
            break;
        struct spec sp;
        f = parse_spec(f + 1, &sp, &ap);
        char c = *f ? *f++ : '\0';
        switch (c) {
        case 'd':
        case 'i': {
            intmax_t v = fetch_signed(&sp, &ap);
            const char *sign = v < 0 ? "-" : sp.plus ? "+" : sp.space ? " " : "";
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            format_unsigned(&o, &sp, mag, 10, false, sign);
            break;
        }
        case 'u':
            format_unsigned(&o, &sp, fetch_unsigned(&sp, &ap), 10, false, "");
            break;
        case 'x':
        case 'X':
            format_unsigned(&o, &sp, fetch_unsigned(&sp, &ap), 16, c == 'X', "");
            break;
        case 'o':
            format_unsigned(&o, &sp, fetch_unsigned(&sp, &ap), 8, false, "");
            break;
        case 'p': {
            struct spec ps = sp;
            ps.alt = true;
            ps.length = 1;
            format_unsigned(&o, &ps, (uintptr_t)va_arg(ap, void *), 16, false, "");
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            if (!sp.left)
                pad(&o, ' ', sp.width - 1);
            emit(&o, &ch, 1);
            if (sp.left)
                pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = (int)(sp.precision >= 0 ? strnlen(s, (size_t)sp.precision) : strlen(s));
            if (!sp.left)
                pad(&o, ' ', sp.width - n);
            emit(&o, s, (size_t)n);
            if (sp.left)
                pad(&o, ' ', sp.width - n);
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default: /* unknown conversion: print it as written */
            emit(&o, "%", 1);
            if (c)
                emit(&o, &c, 1);
            break;
        }
    }
    va_end(ap);
    return o.count;
}

struct buffer {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_sink(void *ctx, const char *s, size_t n)
{
    struct buffer *b = ctx;
    for (size_t i = 0; i < n; i++, b->used++) {
        if (b->used + 1 < b->size)
            b->buf[b->used] = s[i];
    }
}

size_t vsnformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = {buf, size, 0};
    size_t n = vformat(buffer_sink, &b, fmt, ap);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

size_t snformat(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = vsnformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
