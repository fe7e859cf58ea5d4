#include "RawLibpq.h"
#include <postgresql/libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* Statements with parameters are prepared once per connection, as the projector does. */
#define MAX_PREPARED 256
static const char *prepared_sql[MAX_PREPARED];
static int prepared_count;

static int prepared_index(const char *sql) {
    for (int i = 0; i < prepared_count; i++)
        if (strcmp(prepared_sql[i], sql) == 0) return i;
    return -1;
}

static int drain(PGconn *conn, int expected) {
    /* expected counts every result, PREPAREs included */
    int failed = 0;
    for (int i = 0; i < expected; i++) {
        PGresult *res = PQgetResult(conn);
        if (res == NULL) return -1;
        ExecStatusType status = PQresultStatus(res);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            if (!failed) fprintf(stderr, "raw_pg_load: %s", PQresultErrorMessage(res));
            failed = 1;
        }
        PQclear(res);
        while ((res = PQgetResult(conn)) != NULL) PQclear(res);
    }
    PGresult *sync = PQgetResult(conn);
    if (sync != NULL) PQclear(sync);
    return failed ? -1 : 0;
}

int raw_pg_load(const char *conninfo, int ntx, const int *tx_start, const char *const *sql, const int *nparams,
                const char *const *params) {
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "raw_pg_load: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    prepared_count = 0;
    long next_param = 0;
    for (int i = 0; i < tx_start[0]; i++) next_param += nparams[i];
    int rc = 0;
    for (int t = 0; t < ntx && rc == 0; t++) {
        if (PQenterPipelineMode(conn) != 1) { rc = -1; break; }
        int results = 2;
        PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int i = tx_start[t]; i < tx_start[t + 1]; i++) {
            char name[32];
            int index = prepared_index(sql[i]);
            if (index < 0 && prepared_count < MAX_PREPARED) {
                index = prepared_count++;
                prepared_sql[index] = sql[i];
                snprintf(name, sizeof name, "raw_%d", index);
                PQsendPrepare(conn, name, sql[i], nparams[i], NULL);
                results++;
            }
            snprintf(name, sizeof name, "raw_%d", index);
            PQsendQueryPrepared(conn, name, nparams[i], params + next_param, NULL, NULL, 0);
            next_param += nparams[i];
            results++;
        }
        PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
        PQpipelineSync(conn);
        rc = drain(conn, results);
        PQexitPipelineMode(conn);
    }
    PQfinish(conn);
    return rc;
}
