// The reference loader: libpq's C API, the same SQL the projector sends, no Kafka, no Swift.
#ifndef RAW_LIBPQ_H
#define RAW_LIBPQ_H

/// Runs `ntx` transactions; transaction t holds statements [tx_start[t], tx_start[t+1]) (tx_start has ntx + 1
/// entries). Statement i is `sql[i]` with `nparams[i]` text parameters, taken in order from `params` (NULL for SQL
/// NULL). Each transaction is one pipeline: BEGIN, the statements, COMMIT. Returns 0 on success.
int raw_pg_load(const char *conninfo, int ntx, const int *tx_start, const char *const *sql, const int *nparams,
                const char *const *params);
#endif
