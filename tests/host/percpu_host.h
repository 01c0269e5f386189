/*
 * tests/host/percpu_host.h - the host's CPU numbers: each test thread
 * says which CPU it plays (arch_cpu_id, mm_lock's holder).
 */
#ifndef TESTS_HOST_PERCPU_HOST_H
#define TESTS_HOST_PERCPU_HOST_H

void percpu_host_set_cpu(unsigned int cpu);

#endif
