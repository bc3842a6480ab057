/*
 * detoast.c
 *		Stored values fetched from TOAST once per query, however many
 *		accessors read them.
 *
 * A dashboard query calls many accessors on each stored summary (active
 * users, stickiness, adoption rate, retention, champion, ...), and each
 * call detoasts its argument: a large summary is fetched from the TOAST
 * table and decompressed once per call.  Here the last few out-of-line
 * values that the accessors of one query detoasted are kept, keyed by
 * their TOAST pointer, in that query's memory, so that the other calls on
 * the same value read the copy.
 *
 * Why it is safe: a TOAST pointer names an immutable value.  Values are
 * never updated in place (an UPDATE writes a new value with a new value
 * id), and the chunks of a value cannot be vacuumed away, nor its id
 * reused, while a snapshot of the query can still see a row that points
 * to it.  The cache lives in the memory context of the calling function's
 * FmgrInfo (fn_mcxt, the query's memory for an ordinary query) and is
 * dropped with it; its entries are also dropped when a new statement
 * begins, should that memory live longer.  So no entry outlives the
 * statement that made it.
 *
 * Memory: at most DETOAST_ENTRIES values of at most DETOAST_MAX_BYTES
 * each are kept per query; larger values, values stored inline, and
 * expanded builders take the ordinary path.  An entry is evicted least
 * recently used first, so a call that reads two values (none reads more
 * than two) never loses the first to the second.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/xact.h"
#include "utils/memutils.h"

#include "activity/reader.h"

#define DETOAST_ENTRIES		4
#define DETOAST_MAX_BYTES	((Size) 128 << 20)

typedef struct DetoastEntry
{
	Oid			toastrelid;		/* InvalidOid: empty */
	Oid			valueid;
	uint64		used;			/* when last read, for eviction */
	struct varlena *value;
} DetoastEntry;

typedef struct DetoastCache
{
	MemoryContext owner;		/* the query's memory, where this lives */
	MemoryContextCallback on_reset;
	struct DetoastCache *next;
	TimestampTz statement;		/* the statement whose values it holds */
	uint64		clock;
	DetoastEntry entries[DETOAST_ENTRIES];
} DetoastCache;

/* the caches of the queries running in this backend (nested ones too) */
static DetoastCache *caches = NULL;

static void
cache_forget(void *arg)
{
	DetoastCache *cache = (DetoastCache *) arg;
	DetoastCache **p;

	for (p = &caches; *p; p = &(*p)->next)
		if (*p == cache)
		{
			*p = cache->next;
			break;
		}
}

static DetoastCache *
cache_of(MemoryContext owner)
{
	DetoastCache *cache;

	for (cache = caches; cache; cache = cache->next)
		if (cache->owner == owner)
			return cache;
	cache = MemoryContextAllocZero(owner, sizeof(DetoastCache));
	cache->owner = owner;
	cache->on_reset.func = cache_forget;
	cache->on_reset.arg = cache;
	MemoryContextRegisterResetCallback(owner, &cache->on_reset);
	cache->next = caches;
	caches = cache;
	return cache;
}

/*
 * The stored form of argument argno of an accessor, detoasted at most once
 * per query when it is an out-of-line TOAST value.
 */
struct varlena *
activity_detoast_arg(FunctionCallInfo fcinfo, int argno)
{
	Datum		d = PG_GETARG_DATUM(argno);
	struct varlena *attr = (struct varlena *) DatumGetPointer(d);
	struct varatt_external toast;
	DetoastCache *cache;
	DetoastEntry *e,
			   *victim;
	MemoryContext oldcxt;
	int			i;

	if (!VARATT_IS_EXTERNAL_ONDISK(attr) || fcinfo->flinfo == NULL ||
		fcinfo->flinfo->fn_mcxt == NULL)
		return activity_detoast(d);
	VARATT_EXTERNAL_GET_POINTER(toast, attr);
	if ((Size) toast.va_rawsize > DETOAST_MAX_BYTES)
		return activity_detoast(d);

	cache = cache_of(fcinfo->flinfo->fn_mcxt);
	if (cache->statement != GetCurrentStatementStartTimestamp())
	{
		for (i = 0; i < DETOAST_ENTRIES; i++)
		{
			if (cache->entries[i].value)
				pfree(cache->entries[i].value);
			memset(&cache->entries[i], 0, sizeof(DetoastEntry));
		}
		cache->statement = GetCurrentStatementStartTimestamp();
	}
	victim = &cache->entries[0];
	for (i = 0; i < DETOAST_ENTRIES; i++)
	{
		e = &cache->entries[i];
		if (OidIsValid(e->toastrelid) && e->toastrelid == toast.va_toastrelid &&
			e->valueid == toast.va_valueid)
		{
			e->used = ++cache->clock;
			return e->value;
		}
		if (e->used < victim->used)
			victim = e;
	}

	/* fetch it into the query's memory, in place of the least recently read */
	if (victim->value)
		pfree(victim->value);
	victim->toastrelid = InvalidOid;
	victim->value = NULL;
	oldcxt = MemoryContextSwitchTo(cache->owner);
	victim->value = detoast_attr(attr);
	MemoryContextSwitchTo(oldcxt);
	victim->toastrelid = toast.va_toastrelid;
	victim->valueid = toast.va_valueid;
	victim->used = ++cache->clock;
	return victim->value;
}
