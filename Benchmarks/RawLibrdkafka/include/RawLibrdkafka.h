// Reference loops on librdkafka's C API, measured beside the Swift API in the same run.
#ifndef RAW_LIBRDKAFKA_H
#define RAW_LIBRDKAFKA_H
#include <stdint.h>

/// Produces `count` records of `size` bytes (idempotent producer), then flushes. Returns 0 on success.
int raw_produce(const char *bootstrap, const char *topic, int count, int size);
/// Reads `count` records with a new consumer group from the beginning. Returns 0 on success.
int raw_consume(const char *bootstrap, const char *topic, const char *group, int count);
/// Reads `count` records from `input` and writes each to `output`, then flushes. Returns 0 on success.
int raw_copy(const char *bootstrap, const char *input, const char *output, const char *group, int count);
/// raw_copy, also giving the seconds from the first record consumed to the end of the flush (the group join left out).
int raw_copy_timed(const char *bootstrap, const char *input, const char *output, const char *group, int count,
                   double *active_seconds);
/// The Kafka work of an exactly-once tier, in C: per batch of up to `batch` records, one transaction writing each
/// record to `output` (with its headers) and to `changelog`, with the batch's offsets. Returns 0 on success.
int raw_copy_transactional_timed(const char *bootstrap, const char *input, const char *output, const char *changelog,
                                 const char *group, int count, int batch, double *active_seconds);
#endif
