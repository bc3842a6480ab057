/*
 * shim.c
 *		Stand-ins for the backend symbols that the files of src/activity/
 *		use, so that they can be built and fuzzed as an
 *		ordinary program (see shim.h).  hash_bytes, qsort_arg,
 *		pg_snprintf and the UTF-8 verifier come from the server's own
 *		libpgcommon and libpgport.
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "shim.h"

ShimError	shim_error;
sigjmp_buf *shim_jmp = NULL;

/* ----------------------------------------------------------------
 * Memory
 * ----------------------------------------------------------------
 */

#define CHUNK_MAGIC UINT64CONST(0x5348494d43484e4b)

typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	Size		size;
	uint64		magic;
} Chunk;

static Chunk chunks = {&chunks, &chunks, 0, 0};

/* contexts are not told apart: one stand-in serves as all of them */
static MemoryContextData the_context;
MemoryContext CurrentMemoryContext = &the_context;

static void
shim_die(const char *what)
{
	fprintf(stderr, "shim: %s\n", what);
	abort();
}

static void *
chunk_alloc(Size size, bool huge, bool zero)
{
	Chunk	   *c;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	c = zero ? calloc(1, sizeof(Chunk) + size) : malloc(sizeof(Chunk) + size);
	if (c == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Failed on request of size %zu.", size)));
	c->size = size;
	c->magic = CHUNK_MAGIC;
	c->next = chunks.next;
	c->prev = &chunks;
	chunks.next->prev = c;
	chunks.next = c;
	return c + 1;
}

static Chunk *
chunk_of(void *pointer)
{
	Chunk	   *c;

	if (pointer == NULL)
		shim_die("pfree or repalloc of a NULL pointer");
	c = (Chunk *) pointer - 1;
	if (c->magic != CHUNK_MAGIC)
		shim_die("pfree or repalloc of a pointer palloc did not return");
	return c;
}

static void
chunk_free(Chunk *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->magic = 0;
	free(c);
}

static void *
chunk_realloc(void *pointer, Size size, bool huge)
{
	Chunk	   *c = chunk_of(pointer);
	void	   *n;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	/* always move, so that a stale pointer to the old chunk is caught */
	n = chunk_alloc(size, huge, false);
	memcpy(n, pointer, Min(size, c->size));
	chunk_free(c);
	return n;
}

void
shim_reset(void)
{
	while (chunks.next != &chunks)
		chunk_free(chunks.next);
}

void *
palloc(Size size)
{
	return chunk_alloc(size, false, false);
}

void *
palloc0(Size size)
{
	return chunk_alloc(size, false, true);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	(void) context;
	return chunk_alloc(size, false, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	(void) context;
	return chunk_alloc(size, false, true);
}

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	(void) context;
	return chunk_alloc(size, true, false);
}

void *
repalloc(void *pointer, Size size)
{
	return chunk_realloc(pointer, size, false);
}

void *
repalloc_huge(void *pointer, Size size)
{
	return chunk_realloc(pointer, size, true);
}

void
pfree(void *pointer)
{
	chunk_free(chunk_of(pointer));
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name,
							  Size minContextSize, Size initBlockSize,
							  Size maxBlockSize)
{
	(void) parent;
	(void) name;
	(void) minContextSize;
	(void) initBlockSize;
	(void) maxBlockSize;
	return &the_context;
}

/*
 * Contexts made by AllocSetContextCreate are the harness's one context:
 * deleting one frees nothing, and it reports no bytes of its own.
 */
void
MemoryContextDelete(MemoryContext context)
{
	(void) context;
}

Size
MemoryContextMemAllocated(MemoryContext context, bool recurse)
{
	(void) context;
	(void) recurse;
	return 0;
}

/* the harness's one context is never reset: nothing to call back */
void
MemoryContextRegisterResetCallback(MemoryContext context, MemoryContextCallback *cb)
{
	(void) context;
	(void) cb;
}

/* ----------------------------------------------------------------
 * Errors: ERROR and above longjmp to the harness
 * ----------------------------------------------------------------
 */

static void
format_into(char *dst, Size cap, const char *fmt, va_list args)
{
	vsnprintf(dst, cap, fmt, args);
}

bool
errstart(int elevel, const char *domain)
{
	(void) domain;
	if (elevel < ERROR)
		return false;
	memset(&shim_error, 0, sizeof(shim_error));
	shim_error.elevel = elevel;
	shim_error.sqlerrcode = ERRCODE_INTERNAL_ERROR;
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

int
errcode(int sqlerrcode)
{
	shim_error.sqlerrcode = sqlerrcode;
	return 0;
}

/*
 * errmsg, errmsg_internal, errdetail and errhint: the message formatted
 * into dst (the hint is formatted, to check its format, and dropped)
 */
#define SHIM_FORMAT_FUNCTION(name, dst) \
int \
name(const char *fmt,...) \
{ \
	va_list		args; \
\
	va_start(args, fmt); \
	format_into((dst), sizeof(dst), fmt, args); \
	va_end(args); \
	return 0; \
}

static char shim_hint[256];

SHIM_FORMAT_FUNCTION(errmsg, shim_error.message)
SHIM_FORMAT_FUNCTION(errmsg_internal, shim_error.message)
SHIM_FORMAT_FUNCTION(errdetail, shim_error.detail)
SHIM_FORMAT_FUNCTION(errhint, shim_hint)

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	shim_error.filename = filename;
	shim_error.lineno = lineno;
	shim_error.funcname = funcname;
	if (shim_error.elevel < ERROR)
		return;
	if (shim_jmp == NULL)
	{
		fprintf(stderr, "shim: ERROR outside the harness: %s (%s:%d)\n",
				shim_error.message, filename, lineno);
		abort();
	}
	siglongjmp(*shim_jmp, 1);
}

const char *
shim_sqlstate(int sqlerrcode)
{
	static char buf[6];
	int			i;

	for (i = 0; i < 5; i++)
	{
		buf[i] = (char) ((sqlerrcode & 0x3F) + '0');
		sqlerrcode >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

/* ----------------------------------------------------------------
 * Interrupts: never pending
 * ----------------------------------------------------------------
 */

volatile sig_atomic_t InterruptPending = false;

void
ProcessInterrupts(void)
{
}

/* ----------------------------------------------------------------
 * fmgr, varlena and type helpers
 * ----------------------------------------------------------------
 */

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, collation, NULL, NULL);
	fcinfo->args[0].value = arg1;
	fcinfo->args[0].isnull = false;
	result = (*func) (fcinfo);
	if (fcinfo->isnull)
		elog(ERROR, "function returned NULL");
	return result;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	/* the harness hands over only plain in-line values */
	if (VARATT_IS_EXTENDED(datum) && !VARATT_IS_SHORT(datum))
		shim_die("compressed or external value: no TOAST here");
	return datum;
}

/* src/detoast.c is not linked: a plain in-line value is its own detoasted form */
struct varlena *
activity_detoast_arg(FunctionCallInfo fcinfo, int argno)
{
	return pg_detoast_datum_packed((struct varlena *) DatumGetPointer(fcinfo->args[argno].value));
}

/* one statement for the whole harness */
TimestampTz
GetCurrentStatementStartTimestamp(void)
{
	return 1;
}

text *
cstring_to_text_with_len(const char *s, int len)
{
	text	   *result = (text *) palloc(len + VARHDRSZ);

	SET_VARSIZE(result, len + VARHDRSZ);
	memcpy(VARDATA(result), s, len);
	return result;
}

text *
cstring_to_text(const char *s)
{
	return cstring_to_text_with_len(s, strlen(s));
}

Datum
uuid_out(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *uuid = PG_GETARG_UUID_P(0);
	static const char hex[] = "0123456789abcdef";
	char	   *out = palloc(2 * UUID_LEN + 5);
	char	   *p = out;
	int			i;

	for (i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[uuid->data[i] >> 4];
		*p++ = hex[uuid->data[i] & 0x0F];
	}
	*p = '\0';
	PG_RETURN_CSTRING(out);
}

/* the database encoding is UTF8 */
bool
pg_verifymbstr(const char *mbstr, int len, bool noError)
{
	if (pg_encoding_verifymbstr(PG_UTF8, mbstr, len) == len)
		return true;
	if (!noError)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid byte sequence for encoding \"UTF8\"")));
	return false;
}

/* ----------------------------------------------------------------
 * Expanded objects
 * ----------------------------------------------------------------
 */

static void
set_expanded_pointer(char *ptr, vartag_external tag, ExpandedObjectHeader *eohptr)
{
	varatt_expanded e;

	SET_VARTAG_EXTERNAL(ptr, tag);
	e.eohptr = eohptr;
	memcpy(VARDATA_EXTERNAL(ptr), &e, sizeof(e));
}

void
EOH_init_header(ExpandedObjectHeader *eohptr,
				const ExpandedObjectMethods *methods,
				MemoryContext obj_context)
{
	eohptr->vl_len_ = EOH_HEADER_MAGIC;
	eohptr->eoh_methods = methods;
	eohptr->eoh_context = obj_context;
	set_expanded_pointer(eohptr->eoh_rw_ptr, VARTAG_EXPANDED_RW, eohptr);
	set_expanded_pointer(eohptr->eoh_ro_ptr, VARTAG_EXPANDED_RO, eohptr);
}

ExpandedObjectHeader *
DatumGetEOHP(Datum d)
{
	struct varlena *datum = (struct varlena *) DatumGetPointer(d);
	varatt_expanded e;

	if (!VARATT_IS_EXTERNAL_EXPANDED(datum))
		shim_die("DatumGetEOHP of a datum that is not an expanded object");
	memcpy(&e, VARDATA_EXTERNAL(datum), sizeof(e));
	return e.eohptr;
}

/* ----------------------------------------------------------------
 * Binary send and receive buffers
 * ----------------------------------------------------------------
 */

static void
buf_append(StringInfo buf, const char *data, int datalen)
{
	if (buf->len + datalen + 1 > buf->maxlen)
	{
		int			cap = Max(buf->maxlen, 64);

		while (buf->len + datalen + 1 > cap)
			cap *= 2;
		buf->data = repalloc(buf->data, cap);
		buf->maxlen = cap;
	}
	memcpy(buf->data + buf->len, data, datalen);
	buf->len += datalen;
	buf->data[buf->len] = '\0';
}

void
pq_begintypsend(StringInfo buf)
{
	static const char room[VARHDRSZ] = {0};

	buf->data = palloc(64);
	buf->maxlen = 64;
	buf->len = 0;
	buf->cursor = 0;
	buf->data[0] = '\0';
	buf_append(buf, room, VARHDRSZ);
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	buf_append(buf, data, datalen);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

void
pq_copymsgbytes(StringInfo msg, char *buf, int datalen)
{
	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("insufficient data left in message")));
	memcpy(buf, &msg->data[msg->cursor], datalen);
	msg->cursor += datalen;
}
