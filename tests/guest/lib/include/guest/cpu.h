/* The instructions guests use: the tree's one set of ring-0 wrappers. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <x86/cpu.h>
#include <x86/io.h>

#endif
