#ifndef LISTWASH_LIBPQ_LOADER_H
#define LISTWASH_LIBPQ_LOADER_H
#include <stddef.h>

// libpq, the PostgreSQL project's C client, loaded at run time (dlopen "libpq.so.5") the
// first time a PostgreSQL history is opened: a user of the SQLite history needs neither
// libpq nor the two dozen libraries it brings (Kerberos, LDAP, SASL, TLS). The types and
// the few constants used are libpq's stable ABI (libpq-fe.h), declared here so that
// building listwash does not need libpq's headers either.

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

enum { LW_CONNECTION_OK = 0 };
enum {
    LW_PGRES_EMPTY_QUERY = 0, LW_PGRES_COMMAND_OK = 1, LW_PGRES_TUPLES_OK = 2,
    LW_PGRES_COPY_OUT = 3, LW_PGRES_COPY_IN = 4
};
enum { LW_PG_DIAG_SQLSTATE = 'C', LW_PG_DIAG_MESSAGE_PRIMARY = 'M' };

/// Loads libpq once; 0 when it is there, -1 otherwise with the loader's message in `error`.
int lw_pq_load(char *error, size_t capacity);

PGconn *lw_PQconnectdb(const char *conninfo);
void lw_PQfinish(PGconn *conn);
int lw_PQstatus(const PGconn *conn);
const char *lw_PQerrorMessage(const PGconn *conn);
/// Sets a notice processor that drops every notice.
void lw_PQsilenceNotices(PGconn *conn);
PGresult *lw_PQexec(PGconn *conn, const char *query);
PGresult *lw_PQexecParams(PGconn *conn, const char *command, int nParams, const char *const *paramValues);
PGresult *lw_PQgetResult(PGconn *conn);
int lw_PQputCopyData(PGconn *conn, const char *buffer, int nbytes);
int lw_PQputCopyEnd(PGconn *conn, const char *errormsg);
int lw_PQgetCopyData(PGconn *conn, char **buffer, int async);
int lw_PQresultStatus(const PGresult *res);
const char *lw_PQresultErrorMessage(const PGresult *res);
const char *lw_PQresultErrorField(const PGresult *res, int fieldcode);
int lw_PQntuples(const PGresult *res);
int lw_PQnfields(const PGresult *res);
const char *lw_PQgetvalue(const PGresult *res, int row, int column);
int lw_PQgetisnull(const PGresult *res, int row, int column);
void lw_PQclear(PGresult *res);
void lw_PQfreemem(void *ptr);

#endif
