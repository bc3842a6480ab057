/*
 * health.c
 *		health_score, health_grade and health_breakdown: configurable health
 *		models (doc/reference.md, "Health scores") over a jsonb object of
 *		numeric signals.
 *
 * A model is parsed and validated once per query: the parsed form is cached
 * in fn_extra with the model's bytes, and reused while the model is the
 * same (the usual case: one model, one row per account).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include <math.h>

#include "common/int.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "args.h"
#include "compat.h"
#include "health.h"

PG_FUNCTION_INFO_V1(health_score);
PG_FUNCTION_INFO_V1(health_grade);
PG_FUNCTION_INFO_V1(health_breakdown);

static void
bad_model(const char *component, const char *problem)
{
	if (component)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid health model: component \"%s\": %s", component, problem)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid health model: %s", problem)));
}

/* the key/value pairs of a jsonb object; NULL when it is not an object */
typedef struct JsonPairs
{
	int			n;
	char	  **keys;
	JsonbValue *values;
} JsonPairs;

static bool
object_pairs(JsonbContainer *obj, JsonPairs *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			cap;

	if (!JsonContainerIsObject(obj))
		return false;
	cap = Max(JsonContainerSize(obj), 1);
	out->n = 0;
	out->keys = palloc(cap * sizeof(char *));
	out->values = palloc(cap * sizeof(JsonbValue));
	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			out->keys[out->n] = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			out->values[out->n++] = v;
	}
	return true;
}

/*
 * The sign, integer M and power of ten e of a numeric whose value is
 * M * 10^e with M below 10^16 (at most four base-10000 digits); false for
 * any other (more digits, NaN, an infinity).  A numeric is a sign, a weight
 * and base-10000 digits.  The layout read here is numeric's stored format,
 * which stays fixed across releases because it is on disk (pg_upgrade
 * keeps it).
 */
static bool
numeric_parts(Numeric num, bool *negative, uint64 *m, int *e)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(num);
	Size		len = VARSIZE_ANY_EXHDR(num);
	uint16		header;
	int			weight,
				ndigits,
				i;

	if (len < sizeof(uint16))
		return false;
	memcpy(&header, p, sizeof(uint16));
	if ((header & 0xC000) == 0xC000)
		return false;			/* NaN or an infinity */
	if (header & 0x8000)
	{
		/* short format: sign, display scale and weight in the header */
		*negative = (header & 0x2000) != 0;
		weight = (header & 0x003F) | ((header & 0x0040) ? ~0x003F : 0);
		p += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else
	{
		int16		w;

		if (len < 2 * sizeof(uint16))
			return false;
		*negative = (header & 0xC000) == 0x4000;
		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		p += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	ndigits = (int) (len / sizeof(int16));
	if (ndigits > 4)
		return false;
	*m = 0;
	for (i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, p + i * sizeof(int16), sizeof(int16));
		if (digit < 0 || digit > 9999)
			return false;
		*m = *m * 10000 + (uint64) digit;
	}
	*e = ndigits == 0 ? 0 : 4 * (weight - ndigits + 1);
	return true;
}

/*
 * numeric to float8 without the round trip through decimal text that
 * numeric_float8 takes, for the values signals hold: when M <= 2^53 and
 * the power of ten e is within 10^-22 .. 10^22, both are exact doubles and
 * M * 10^e (or M / 10^-e) is correctly rounded, as float8in's strtod is
 * (Clinger's fast path).  Everything else goes through
 * numeric_float8_no_overflow.  *dec is the same number as an exact
 * decimal, trailing zeros of M moved into e (exact = false when it has
 * more digits than numeric_parts takes).
 */
static double
numeric_to_double(Numeric num, Decimal *dec)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	bool		negative;
	uint64		m;
	int			e;
	double		d;

	dec->exact = numeric_parts(num, &negative, &m, &e);
	if (!dec->exact)
		return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
												  NumericGetDatum(num)));
	dec->m = negative ? -(int64) m : (int64) m;
	dec->e = e;
	while (dec->m != 0 && dec->m % 10 == 0)
	{
		dec->m /= 10;
		dec->e++;
	}
	if (dec->m == 0)
		dec->e = 0;
	if (m > (UINT64CONST(1) << 53) || e < -22 || e > 22)
		return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
												  NumericGetDatum(num)));
	d = e >= 0 ? (double) m * p10[e] : (double) m / p10[-e];
	return negative ? -d : d;
}

/*
 * A JSON number as a float8, and as an exact decimal in *dec when dec is
 * not NULL; false when it is not a number.  what names it in the error
 * raised when it is out of the range of float8.
 */
static bool
json_number(const JsonbValue *v, double *d, Decimal *dec, const char *what)
{
	Decimal		ignored;

	if (v->type != jbvNumeric)
		return false;
	*d = numeric_to_double(v->val.numeric, dec ? dec : &ignored);
	if (!isfinite(*d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is out of the range of float8", what)));
	return true;
}

static JsonbContainer *
as_object(const JsonbValue *v)
{
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;
	return v->val.binary.data;
}

static void
parse_component(Component *c, const char *name, const JsonbValue *v)
{
	JsonbContainer *obj = as_object(v);
	JsonPairs	p;
	bool		have_red = false,
				have_green = false;
	int			i;

	if (obj == NULL)
		bad_model(name, "must be an object with \"weight\", \"red\" and \"green\"");
	object_pairs(obj, &p);
	c->name = pstrdup(name);
	/* made once per model, not once per row */
	c->name_len = strlen(name);
	c->signal_what = psprintf("signal \"%s\"", name);
	c->weight = 1.0;
	for (i = 0; i < p.n; i++)
	{
		double		d;
		Decimal		dec;

		if (strcmp(p.keys[i], "weight") != 0 && strcmp(p.keys[i], "red") != 0 &&
			strcmp(p.keys[i], "green") != 0)
			bad_model(name, psprintf("unknown key \"%s\" (allowed: weight, red, green)", p.keys[i]));
		if (!json_number(&p.values[i], &d, &dec,
						 psprintf("health model component \"%s\": \"%s\"", name, p.keys[i])))
			bad_model(name, psprintf("\"%s\" must be a number", p.keys[i]));
		if (strcmp(p.keys[i], "weight") == 0)
		{
			if (d < 0)
				bad_model(name, "weight must be at least 0");
			c->weight = d;
		}
		else if (strcmp(p.keys[i], "red") == 0)
		{
			c->red = d;
			c->red_exact = dec;
			have_red = true;
		}
		else
		{
			c->green = d;
			c->green_exact = dec;
			have_green = true;
		}
	}
	if (!have_red || !have_green)
		bad_model(name, "needs both \"red\" and \"green\"");
	if (c->red == c->green)
		bad_model(name, "red and green must differ");
	if (!isfinite(c->green - c->red))
		bad_model(name, "red and green are too far apart for float8");
}

static int
cmp_component(const void *a, const void *b)
{
	return strcmp(((const Component *) a)->name, ((const Component *) b)->name);
}

void
health_parse_model(HealthModel *m, Jsonb *model)
{
	JsonPairs	top;
	int			i;
	bool		have_components = false;
	double		total = 0;

	m->n = 0;
	m->grade_red = 40;
	m->grade_green = 70;
	m->missing = MISSING_SKIP;
	if (!object_pairs(&model->root, &top))
		bad_model(NULL, "the model must be a JSON object");
	for (i = 0; i < top.n; i++)
	{
		const char *key = top.keys[i];
		JsonbValue *v = &top.values[i];

		if (strcmp(key, "components") == 0)
		{
			JsonbContainer *obj = as_object(v);
			JsonPairs	cs;
			int			k;

			if (obj == NULL)
				bad_model(NULL, "\"components\" must be an object");
			object_pairs(obj, &cs);
			m->c = palloc(Max(cs.n, 1) * sizeof(Component));
			for (k = 0; k < cs.n; k++)
			{
				parse_component(&m->c[k], cs.keys[k], &cs.values[k]);
				total += m->c[k].weight;
			}
			m->n = cs.n;
			have_components = true;
		}
		else if (strcmp(key, "grades") == 0)
		{
			JsonbContainer *obj = as_object(v);
			JsonPairs	g;
			int			k;

			if (obj == NULL)
				bad_model(NULL, "\"grades\" must be an object with \"red\" and \"green\"");
			object_pairs(obj, &g);
			for (k = 0; k < g.n; k++)
			{
				double		d;

				if (!json_number(&g.values[k], &d, NULL, psprintf("health model grades.%s", g.keys[k])))
					bad_model(NULL, psprintf("grades.%s must be a number", g.keys[k]));
				if (strcmp(g.keys[k], "red") == 0)
					m->grade_red = d;
				else if (strcmp(g.keys[k], "green") == 0)
					m->grade_green = d;
				else
					bad_model(NULL, psprintf("unknown key \"grades.%s\" (allowed: red, green)", g.keys[k]));
			}
			if (m->grade_red > m->grade_green)
				bad_model(NULL, "grades.red must be at most grades.green");
		}
		else if (strcmp(key, "missing") == 0)
		{
			char	   *s = v->type == jbvString ?
				pnstrdup(v->val.string.val, v->val.string.len) : NULL;

			if (s && strcmp(s, "skip") == 0)
				m->missing = MISSING_SKIP;
			else if (s && strcmp(s, "zero") == 0)
				m->missing = MISSING_ZERO;
			else if (s && strcmp(s, "error") == 0)
				m->missing = MISSING_ERROR;
			else
				bad_model(NULL, "\"missing\" must be \"skip\", \"zero\" or \"error\"");
		}
		else if (strcmp(key, "fit") == 0)
			continue;			/* what health_fit adds: accepted and ignored */
		else
			bad_model(NULL, psprintf("unknown key \"%s\" (allowed: components, grades, missing, fit)", key));
	}
	if (!have_components || m->n == 0)
		bad_model(NULL, "it has no components");
	if (total <= 0)
		bad_model(NULL, "the weights of its components sum to 0");
	if (!isfinite(total * 100.0))
		bad_model(NULL, "the weights of its components are too large for float8");
	qsort(m->c, m->n, sizeof(Component), cmp_component);
}

/* the parsed model of this call site, parsed again only when it changes */
static HealthModel *
get_model(FunctionCallInfo fcinfo, Jsonb *model)
{
	HealthModel *m = (HealthModel *) fcinfo->flinfo->fn_extra;
	Size		len = VARSIZE(model);
	MemoryContext oldcxt;

	MemoryContext cxt;

	if (m && m->len == len && memcmp(m->bytes, model, len) == 0)
		return m;
	/* a new model: parse it in a context of its own, dropping the old one */
	fcinfo->flinfo->fn_extra = NULL;
	if (m)
		MemoryContextDelete(m->cxt);
	cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "health model",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	m = palloc0(sizeof(HealthModel));
	m->cxt = cxt;
	health_parse_model(m, model);
	m->len = len;
	m->bytes = palloc(len);
	memcpy(m->bytes, model, len);
	MemoryContextSwitchTo(oldcxt);
	fcinfo->flinfo->fn_extra = m;
	return m;
}

/* a * 10^k, false for k > 18, on overflow or beyond 2^62 (so that differences fit) */
static bool
scale_decimal(int64 a, int k, int64 *out)
{
	if (k > 18)
		return false;
	while (k-- > 0)
		if (pg_mul_s64_overflow(a, 10, &a))
			return false;
	if (a > (INT64CONST(1) << 62) || a < -(INT64CONST(1) << 62))
		return false;
	*out = a;
	return true;
}

/*
 * The fraction and score of a signal from the decimals of the signal, red
 * and green, when all three are exact decimals of few digits: with them on
 * one power of ten, (value - red) / (green - red) is N / D in integers, and
 * N / D and 100 N / D are each one correctly rounded division of exact
 * doubles.  So a signal whose exact score is 70 scores 70, not the
 * 69.99999999999996 that the float8 formula gives for 0.94 between 0.8 and
 * 1 (none of them an exact double), and grades at the boundary as the
 * decimal arithmetic says.  False when the operands are too large: the
 * caller then uses the float8 formula.
 */
static bool
exact_fraction(const Component *c, Decimal v, Scored *out)
{
	int			e;
	int64		vm,
				rm,
				gm,
				n,
				d,
				n100;

	if (!v.exact || !c->red_exact.exact || !c->green_exact.exact)
		return false;
	e = Min(v.e, Min(c->red_exact.e, c->green_exact.e));
	if (!scale_decimal(v.m, v.e - e, &vm) ||
		!scale_decimal(c->red_exact.m, c->red_exact.e - e, &rm) ||
		!scale_decimal(c->green_exact.m, c->green_exact.e - e, &gm))
		return false;
	n = vm - rm;
	d = gm - rm;				/* not 0: red and green differ */
	if (n == 0 || (n < 0) != (d < 0))
	{
		out->fraction = out->score = 0;
		return true;
	}
	if (n < 0)
	{
		n = -n;
		d = -d;
	}
	if (n >= d)
	{
		out->fraction = 1;
		out->score = 100;
		return true;
	}
	if (d > (INT64CONST(1) << 53) || pg_mul_s64_overflow(n, 100, &n100) ||
		n100 > (INT64CONST(1) << 53))
		return false;
	out->fraction = (double) n / (double) d;
	out->score = (double) n100 / (double) d;
	return true;
}

/* scores every component of one row's signals */
void
health_score_components(const HealthModel *m, Jsonb *signals, Scored *out)
{
	int			i;

	if (!JB_ROOT_IS_OBJECT(signals) || JB_ROOT_IS_SCALAR(signals))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("signals must be a JSON object of numbers")));
	for (i = 0; i < m->n; i++)
	{
		const Component *c = &m->c[i];
		JsonbValue *v = getKeyJsonValueFromContainer(&signals->root, c->name,
													 c->name_len, NULL);

		out[i].present = v != NULL && v->type != jbvNull;
		if (out[i].present)
		{
			double		r;
			Decimal		dec;

			if (!json_number(v, &out[i].value, &dec, c->signal_what))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("signal \"%s\" must be a number", c->name)));
			if (!exact_fraction(c, dec, &out[i]))
			{
				r = (out[i].value - c->red) / (c->green - c->red);
				out[i].fraction = Max(0.0, Min(1.0, r));
				out[i].score = out[i].fraction * 100.0;
			}
		}
		else if (m->missing == MISSING_ERROR)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("signal \"%s\" is missing", c->name),
					 errhint("The model's \"missing\" policy is \"error\"; \"skip\" or \"zero\" accept missing signals.")));
		else
			out[i].score = 0;
	}
}

/* a + b as s + e exactly (Knuth's TwoSum) */
static inline void
two_sum(double a, double b, double *s, double *e)
{
	double		bb;

	*s = a + b;
	bb = *s - a;
	*e = (a - (*s - bb)) + (b - bb);
}

/*
 * The weighted mean of the counted components; false when there is none.
 * The sums carry their rounding errors (TwoSum, and fma for each product),
 * and the quotient is corrected by them, so that the mean is the exact one
 * rounded (in rare cases one unit in the last place off): components all
 * at green give 100, all at 70
 * give 70, whatever the weights (a plain float sum gave 100.00000000000001
 * or 69.99999999999999, which flipped grades at their boundaries and made
 * health_fit's AUC depend on the last bits of its fitted weights).  The
 * result is clamped to [0, 100] against what rounding is left.
 */
bool
health_weighted_score(const HealthModel *m, const Scored *s, double *total_weight,
					  double *score)
{
	double		wsum = 0,
				werr = 0,
				ssum = 0,
				serr = 0,
				q;
	int			i;

	for (i = 0; i < m->n; i++)
	{
		if (s[i].present || m->missing == MISSING_ZERO)
		{
			double		w = m->c[i].weight,
						p = w * s[i].score,
						e;

			two_sum(wsum, w, &wsum, &e);
			werr += e;
			two_sum(ssum, p, &ssum, &e);
			serr += e + fma(w, s[i].score, -p);
		}
	}
	*total_weight = wsum + werr;
	if (*total_weight <= 0)
		return false;
	q = ssum / wsum;
	q += ((fma(-q, wsum, ssum) + serr) - q * werr) / wsum;
	*score = Max(0.0, Min(100.0, q));
	return true;
}

/* scores every component; returns the score, or false when there is none */
static bool
score_signals(const HealthModel *m, Jsonb *signals, Scored *out, double *total_weight,
			  double *score)
{
	health_score_components(m, signals, out);
	return health_weighted_score(m, out, total_weight, score);
}

static bool
compute(FunctionCallInfo fcinfo, HealthModel **m, Scored **scored, double *wsum, double *score)
{
	Jsonb	   *signals = PG_GETARG_JSONB_P(0);

	*m = get_model(fcinfo, PG_GETARG_JSONB_P(1));
	*scored = palloc((*m)->n * sizeof(Scored));
	return score_signals(*m, signals, *scored, wsum, score);
}

Datum
health_score(PG_FUNCTION_ARGS)
{
	HealthModel *m;
	Scored	   *s;
	double		wsum,
				score;

	if (!compute(fcinfo, &m, &s, &wsum, &score))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(score);
}

Datum
health_grade(PG_FUNCTION_ARGS)
{
	HealthModel *m;
	Scored	   *s;
	double		wsum,
				score;

	if (!compute(fcinfo, &m, &s, &wsum, &score))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(score < m->grade_red ? "red" :
									 score >= m->grade_green ? "green" : "yellow"));
}

Datum
health_breakdown(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HealthModel *m;
	Scored	   *s;
	double		wsum,
				score;
	bool		any;
	int			i;

	act_init_srf(fcinfo);
	any = compute(fcinfo, &m, &s, &wsum, &score);
	for (i = 0; i < m->n; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		bool		counted = s[i].present || m->missing == MISSING_ZERO;

		values[0] = PointerGetDatum(cstring_to_text(m->c[i].name));
		values[1] = Float8GetDatum(s[i].value);
		nulls[1] = !s[i].present;
		values[2] = Float8GetDatum(s[i].score);
		nulls[2] = !counted;
		values[3] = Float8GetDatum(m->c[i].weight);
		values[4] = Float8GetDatum(any && counted ? m->c[i].weight * s[i].score / wsum : 0);
		nulls[4] = !any || !counted;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
