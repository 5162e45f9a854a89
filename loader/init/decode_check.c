/* One Zydis decode + format, the way the VMM will decode exit sites. */
#include "decode_check.h"
#include <Zydis/Zydis.h>

unsigned decode_one(const u8 *code, size_t len, char *text, size_t text_size)
{
    ZydisDecoder decoder;
    if (ZYAN_FAILED(ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)))
        return 0;
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (ZYAN_FAILED(ZydisDecoderDecodeFull(&decoder, code, len, &insn, ops)))
        return 0;
    ZydisFormatter formatter;
    if (ZYAN_FAILED(ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL)))
        return 0;
    if (ZYAN_FAILED(ZydisFormatterFormatInstruction(&formatter, &insn, ops,
                                                    insn.operand_count_visible, text, text_size,
                                                    ZYDIS_RUNTIME_ADDRESS_NONE, ZYAN_NULL)))
        return 0;
    return insn.length;
}
