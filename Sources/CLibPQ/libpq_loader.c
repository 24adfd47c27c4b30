#include "libpq_loader.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef void (*notice_processor)(void *arg, const char *message);

static struct {
    PGconn *(*connectdb)(const char *);
    void (*finish)(PGconn *);
    int (*status)(const PGconn *);
    char *(*errorMessage)(const PGconn *);
    notice_processor (*setNoticeProcessor)(PGconn *, notice_processor, void *);
    PGresult *(*exec)(PGconn *, const char *);
    PGresult *(*execParams)(PGconn *, const char *, int, const unsigned int *, const char *const *,
                            const int *, const int *, int);
    PGresult *(*getResult)(PGconn *);
    int (*putCopyData)(PGconn *, const char *, int);
    int (*putCopyEnd)(PGconn *, const char *);
    int (*getCopyData)(PGconn *, char **, int);
    int (*resultStatus)(const PGresult *);
    char *(*resultErrorMessage)(const PGresult *);
    char *(*resultErrorField)(const PGresult *, int);
    int (*ntuples)(const PGresult *);
    int (*nfields)(const PGresult *);
    char *(*getvalue)(const PGresult *, int, int);
    int (*getisnull)(const PGresult *, int, int);
    void (*clear)(PGresult *);
    void (*freemem)(void *);
} pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

#define SYMBOL(field, name) \
    do { \
        *(void **)(&pq.field) = dlsym(handle, name); \
        if (!pq.field) { snprintf(load_error, sizeof load_error, "libpq.so.5 has no %s", name); return; } \
    } while (0)

static void load(void) {
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : "libpq.so.5 cannot be loaded");
        return;
    }
    SYMBOL(connectdb, "PQconnectdb");
    SYMBOL(finish, "PQfinish");
    SYMBOL(status, "PQstatus");
    SYMBOL(errorMessage, "PQerrorMessage");
    SYMBOL(setNoticeProcessor, "PQsetNoticeProcessor");
    SYMBOL(exec, "PQexec");
    SYMBOL(execParams, "PQexecParams");
    SYMBOL(getResult, "PQgetResult");
    SYMBOL(putCopyData, "PQputCopyData");
    SYMBOL(putCopyEnd, "PQputCopyEnd");
    SYMBOL(getCopyData, "PQgetCopyData");
    SYMBOL(resultStatus, "PQresultStatus");
    SYMBOL(resultErrorMessage, "PQresultErrorMessage");
    SYMBOL(resultErrorField, "PQresultErrorField");
    SYMBOL(ntuples, "PQntuples");
    SYMBOL(nfields, "PQnfields");
    SYMBOL(getvalue, "PQgetvalue");
    SYMBOL(getisnull, "PQgetisnull");
    SYMBOL(clear, "PQclear");
    SYMBOL(freemem, "PQfreemem");
}

int lw_pq_load(char *error, size_t capacity) {
    pthread_once(&once, load);
    if (load_error[0]) {
        if (capacity) snprintf(error, capacity, "%s", load_error);
        return -1;
    }
    return 0;
}

static void drop_notice(void *arg, const char *message) { (void)arg; (void)message; }

PGconn *lw_PQconnectdb(const char *conninfo) { return pq.connectdb(conninfo); }
void lw_PQfinish(PGconn *conn) { if (conn) pq.finish(conn); }
int lw_PQstatus(const PGconn *conn) { return pq.status(conn); }
const char *lw_PQerrorMessage(const PGconn *conn) { return pq.errorMessage(conn); }
void lw_PQsilenceNotices(PGconn *conn) { pq.setNoticeProcessor(conn, drop_notice, NULL); }
PGresult *lw_PQexec(PGconn *conn, const char *query) { return pq.exec(conn, query); }
PGresult *lw_PQexecParams(PGconn *conn, const char *command, int nParams, const char *const *paramValues) {
    return pq.execParams(conn, command, nParams, NULL, paramValues, NULL, NULL, 0);
}
PGresult *lw_PQgetResult(PGconn *conn) { return pq.getResult(conn); }
int lw_PQputCopyData(PGconn *conn, const char *buffer, int nbytes) { return pq.putCopyData(conn, buffer, nbytes); }
int lw_PQputCopyEnd(PGconn *conn, const char *errormsg) { return pq.putCopyEnd(conn, errormsg); }
int lw_PQgetCopyData(PGconn *conn, char **buffer, int async) { return pq.getCopyData(conn, buffer, async); }
int lw_PQresultStatus(const PGresult *res) { return pq.resultStatus(res); }
const char *lw_PQresultErrorMessage(const PGresult *res) { return pq.resultErrorMessage(res); }
const char *lw_PQresultErrorField(const PGresult *res, int fieldcode) { return pq.resultErrorField(res, fieldcode); }
int lw_PQntuples(const PGresult *res) { return pq.ntuples(res); }
int lw_PQnfields(const PGresult *res) { return pq.nfields(res); }
const char *lw_PQgetvalue(const PGresult *res, int row, int column) { return pq.getvalue(res, row, column); }
int lw_PQgetisnull(const PGresult *res, int row, int column) { return pq.getisnull(res, row, column); }
void lw_PQclear(PGresult *res) { if (res) pq.clear(res); }
void lw_PQfreemem(void *ptr) { if (ptr) pq.freemem(ptr); }
