/*
 * shim.h
 *		The few backend services that the files of src/activity/
 *		use, provided outside the server for the fuzzing harness.
 *
 * Memory: every palloc'd chunk is its own malloc block (so that
 * AddressSanitizer sees every overrun), kept on one list that
 * shim_reset() frees as a whole, as a transaction's end frees its memory
 * contexts.  Errors: ereport(ERROR) records the error in shim_error and
 * longjmps to shim_jmp, which the harness sets.
 */
#ifndef ADOPTION_FUZZ_SHIM_H
#define ADOPTION_FUZZ_SHIM_H

#include "postgres.h"

#include <setjmp.h>

typedef struct ShimError
{
	int			elevel;
	int			sqlerrcode;
	char		message[256];
	char		detail[256];
	const char *filename;
	int			lineno;
	const char *funcname;
} ShimError;

extern ShimError shim_error;
extern sigjmp_buf *shim_jmp;

/* frees every chunk allocated since the last call */
extern void shim_reset(void);

/* the SQLSTATE of an error code, e.g. "22P02", in a static buffer */
extern const char *shim_sqlstate(int sqlerrcode);

#endif							/* ADOPTION_FUZZ_SHIM_H */
