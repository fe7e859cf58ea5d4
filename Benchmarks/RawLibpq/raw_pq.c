#include "RawLibpq.h"
#include <postgresql/libpq-fe.h>
#include <stdio.h>

static int drain(PGconn *conn, int expected) {
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
    long next_param = 0;
    for (int i = 0; i < tx_start[0]; i++) next_param += nparams[i];
    int rc = 0;
    for (int t = 0; t < ntx && rc == 0; t++) {
        if (PQenterPipelineMode(conn) != 1) { rc = -1; break; }
        PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int i = tx_start[t]; i < tx_start[t + 1]; i++) {
            PQsendQueryParams(conn, sql[i], nparams[i], NULL, params + next_param, NULL, NULL, 0);
            next_param += nparams[i];
        }
        PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
        PQpipelineSync(conn);
        rc = drain(conn, tx_start[t + 1] - tx_start[t] + 2);
        PQexitPipelineMode(conn);
    }
    PQfinish(conn);
    return rc;
}
