/* The protocols between the in-system test servers (servers/test/). */
#ifndef SERVERS_TEST_PROTOCOL_H
#define SERVERS_TEST_PROTOCOL_H

#include <vireo/types.h>

/* echo: msg[0] = op. ECHO_OP_ECHO: msg[1..n) is the payload; the reply has
 * n words, msg[0] = the portal's badge (echo's id), msg[i] =
 * echo_transform(payload word i, i). ECHO_OP_DONE: a client is finished;
 * after as many as echo's `arg` says, echo exits (without replying: the
 * last client's call ends with VIREO_E_ABORTED). */
enum { ECHO_OP_ECHO = 1, ECHO_OP_DONE = 2 };

static inline u64 echo_transform(u64 word, u64 index)
{
    return ~word ^ (index * 0x9e3779b97f4a7c15ull);
}

/* peer: PEER_OP_CHECK (msg[1] = address, msg[2] = pattern): reads the
 * word at address, writes ~pattern after it, replies msg[0] = 1 if the
 * word was the pattern. PEER_OP_TOUCH (msg[1] = address): reads the word
 * and replies with it. The sharer maps its shared page into the peer at
 * PEER_SHARED_ADDR. */
enum { PEER_OP_CHECK = 1, PEER_OP_TOUCH = 2 };
#define PEER_SHARED_ADDR 0x0000003000000000ull

/* A small PRNG the tests share (xorshift64*); never 0 state. */
static inline u64 test_rand(u64 *state)
{
    u64 x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
