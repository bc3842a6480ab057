/*
 * health_fit.c
 *		health_fit (doc/reference.md, "Evaluating and fitting health
 *		models"): a health model's weights refitted by L2-penalised
 *		logistic regression on its own component scores, by Newton's
 *		method, over the rows of a sample (sample.h).
 */
#include "postgres.h"

#include <math.h>

#include "common/base64.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "activity/reader.h"
#include "compat.h"
#include "sample.h"

PG_FUNCTION_INFO_V1(health_fit_trans);
PG_FUNCTION_INFO_V1(health_fit_combine);
PG_FUNCTION_INFO_V1(health_fit_final);

#define NEWTON_MAX_STEPS 100
#define NEWTON_TOLERANCE 1e-10

/* ----------------------------------------------------------------
 * health_fit
 * ----------------------------------------------------------------
 */

Datum
health_fit_trans(PG_FUNCTION_ARGS)
{
	Sample	   *s;
	Jsonb	   *signals,
			   *model;
	int			i;
	double	   *row;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_fit: model must not be NULL")));
	s = agg_state(fcinfo, KIND_HEALTH, "health_fit_trans");
	model = PG_GETARG_JSONB_P(3);
	if (s->m == NULL)
		sample_set_model(s, model, NULL, 0);
	else if (VARSIZE(model) != VARSIZE(s->model) ||
			 memcmp(model, s->model, VARSIZE(model)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_fit: the model must be the same in every row")));
	signals = PG_GETARG_JSONB_P(1);
	health_score_components(s->m, signals, s->scored);
	sample_reserve(s, 1);
	row = s->x + s->n * s->k;
	for (i = 0; i < s->k; i++)
		row[i] = s->scored[i].present ? s->scored[i].score : get_float8_nan();
	s->y[s->n] = PG_GETARG_BOOL(2) ? 1 : 0;
	s->n++;
	PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}

Datum
health_fit_combine(PG_FUNCTION_ARGS)
{
	return sample_combine(fcinfo, KIND_HEALTH, "health_fit_combine");
}

static void
fit_error(const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("health_fit: %s", problem)));
}

/* the error of a fit that does not converge (100 steps, or weights gone to 0) */
static void
not_converging(void)
{
	fit_error("the fit did not converge (are the outcomes separable by the components? fit.l2 > 0 keeps the coefficients finite)");
}

/* log(1 + exp(z)), without overflow */
static inline double
log1pexp(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static inline double
sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	else
	{
		double		e = exp(z);

		return e / (1.0 + e);
	}
}

/* the penalised loss at beta (d = 1 + k parameters) over the imputed rows */
static double
loss_at(const double *x, const uint8 *y, uint64 n, int k, const double *beta, double l2)
{
	double		loss = 0;
	uint64		r;
	int			i;

	for (r = 0; r < n; r++)
	{
		const double *row = x + r * k;
		double		z = beta[0];

		for (i = 0; i < k; i++)
			z += beta[i + 1] * row[i];
		loss += log1pexp(z) - (y[r] ? z : 0);
		if ((r & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (i = 1; i <= k; i++)
		loss += 0.5 * l2 * beta[i] * beta[i];
	return loss;
}

/* solves a (d x d, row-major) * sol = b by Gaussian elimination with partial pivoting */
static bool
solve(double *a, double *b, int d, double *sol)
{
	int			c,
				r,
				j;

	for (c = 0; c < d; c++)
	{
		int			piv = c;
		double		best = fabs(a[c * d + c]);

		for (r = c + 1; r < d; r++)
			if (fabs(a[r * d + c]) > best)
			{
				best = fabs(a[r * d + c]);
				piv = r;
			}
		if (!(best > 1e-300) || !isfinite(best))
			return false;
		if (piv != c)
		{
			for (j = 0; j < d; j++)
			{
				double		t = a[c * d + j];

				a[c * d + j] = a[piv * d + j];
				a[piv * d + j] = t;
			}
			{
				double		t = b[c];

				b[c] = b[piv];
				b[piv] = t;
			}
		}
		for (r = c + 1; r < d; r++)
		{
			double		f = a[r * d + c] / a[c * d + c];

			if (f == 0)
				continue;
			for (j = c; j < d; j++)
				a[r * d + j] -= f * a[c * d + j];
			b[r] -= f * b[c];
		}
	}
	for (r = d - 1; r >= 0; r--)
	{
		double		v = b[r];

		for (j = r + 1; j < d; j++)
			v -= a[r * d + j] * sol[j];
		sol[r] = v / a[r * d + r];
		if (!isfinite(sol[r]))
			return false;
	}
	return true;
}

/*
 * Newton's method on the penalised loss from beta = 0, each step halved
 * while it would raise the loss; returns the steps taken.
 */
static int
newton(const double *x, const uint8 *y, uint64 n, int k, double l2, double *beta)
{
	int			d = k + 1;
	double	   *g = palloc(d * sizeof(double));
	double	   *h = palloc(d * d * sizeof(double));
	double	   *step = palloc(d * sizeof(double));
	double	   *trial = palloc(d * sizeof(double));
	double	   *xr = palloc(d * sizeof(double));
	double		loss;
	int			it,
				i,
				j;

	memset(beta, 0, d * sizeof(double));
	loss = loss_at(x, y, n, k, beta, l2);
	for (it = 1; it <= NEWTON_MAX_STEPS; it++)
	{
		uint64		r;
		double		t = 1.0,
					change = 0;

		memset(g, 0, d * sizeof(double));
		memset(h, 0, d * d * sizeof(double));
		xr[0] = 1.0;
		for (r = 0; r < n; r++)
		{
			const double *row = x + r * k;
			double		z = beta[0],
						p,
						w,
						e;

			for (i = 0; i < k; i++)
			{
				xr[i + 1] = row[i];
				z += beta[i + 1] * row[i];
			}
			p = sigmoid(z);
			w = p * (1 - p);
			e = p - (y[r] ? 1.0 : 0.0);
			for (i = 0; i < d; i++)
			{
				double		wi = w * xr[i];

				g[i] += e * xr[i];
				for (j = 0; j <= i; j++)
					h[i * d + j] += wi * xr[j];
			}
			if ((r & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		for (i = 0; i < d; i++)
			for (j = i + 1; j < d; j++)
				h[i * d + j] = h[j * d + i];
		for (i = 1; i < d; i++)
		{
			g[i] += l2 * beta[i];
			h[i * d + i] += l2;
		}
		/*
		 * Singular at the start (every weight p(1 - p) is 1/4 there): the
		 * components are constant or collinear.  Singular later: the
		 * weights have vanished as the coefficients run off to infinity,
		 * which is the non-convergence of separable outcomes.
		 */
		if (!solve(h, g, d, step))
		{
			if (it > 1)
				not_converging();
			fit_error("the fit is singular (a component may not vary, or be a copy of another); fit.l2 > 0 makes it regular");
		}
		/* halve the step while it raises the loss (beyond rounding) */
		for (;;)
		{
			double		next;

			for (i = 0; i < d; i++)
				trial[i] = beta[i] - t * step[i];
			next = loss_at(x, y, n, k, trial, l2);
			if (next <= loss + 1e-12 * Max(1.0, fabs(loss)) || t < 1e-6)
			{
				loss = next;
				break;
			}
			t /= 2;
		}
		for (i = 0; i < d; i++)
		{
			change = Max(change, fabs(trial[i] - beta[i]));
			beta[i] = trial[i];
		}
		if (!isfinite(loss))
			break;
		if (change < NEWTON_TOLERANCE)
			return it;
	}
	not_converging();
	return 0;					/* not reached */
}

/* a float8 as a jsonb number, exactly (the shortest text that reads back) */
static void
push_number(JsonbParseState **st, JsonbIteratorToken tok, double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];
	JsonbValue	v;

	if (!isfinite(d))
	{
		v.type = jbvNull;
		pushJsonbValue(st, tok, &v);
		return;
	}
	double_to_shortest_decimal_buf(d, buf);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
	pushJsonbValue(st, tok, &v);
}

static void
push_key(JsonbParseState **st, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &v);
}

static int
component_index(const HealthModel *m, const char *name, int len)
{
	int			lo = 0,
				hi = m->n - 1;
	char	   *s = pnstrdup(name, len);

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(m->c[mid].name, s);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	elog(ERROR, "component \"%s\" not found", s);
	return -1;
}

static void
push_fit(JsonbParseState **st, const Sample *s, const double *beta, int iterations,
		 uint64 positives, double auc, bool have_auc)
{
	JsonbValue	nv;
	int			i;

	push_key(st, "fit");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	push_key(st, "rows");
	push_number(st, WJB_VALUE, (double) s->n);
	push_key(st, "positives");
	push_number(st, WJB_VALUE, (double) positives);
	push_key(st, "l2");
	push_number(st, WJB_VALUE, s->l2);
	push_key(st, "intercept");
	push_number(st, WJB_VALUE, beta[0]);
	push_key(st, "coefficients");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < s->k; i++)
	{
		push_key(st, s->m->c[i].name);
		push_number(st, WJB_VALUE, beta[i + 1]);
	}
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
	push_key(st, "auc");
	nv.type = jbvNull;
	if (have_auc)
		push_number(st, WJB_VALUE, auc);
	else
		pushJsonbValue(st, WJB_VALUE, &nv);
	push_key(st, "iterations");
	push_number(st, WJB_VALUE, (double) iterations);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/*
 * The model with its components' new weights (added where a component had
 * none) and a new "fit" object; everything else as it was.
 */
static Jsonb *
fitted_model(const Sample *s, const double *weights, const double *beta, int iterations,
			 uint64 positives, double auc, bool have_auc)
{
	JsonbParseState *st = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbValue *res = NULL;
	int			depth = 0;
	int			comp = -1;
	bool		in_components = false,
				weight_done = false;

	it = JsonbIteratorInit(&s->model->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
			case WJB_BEGIN_ARRAY:
				depth++;
				res = pushJsonbValue(&st, tok, tok == WJB_BEGIN_ARRAY ? &v : NULL);
				break;
			case WJB_END_OBJECT:
			case WJB_END_ARRAY:
				if (in_components && depth == 3 && !weight_done)
				{
					push_key(&st, "weight");
					push_number(&st, WJB_VALUE, weights[comp]);
				}
				if (in_components && depth == 2)
					in_components = false;
				if (depth == 1)
					push_fit(&st, s, beta, iterations, positives, auc, have_auc);
				depth--;
				res = pushJsonbValue(&st, tok, NULL);
				break;
			case WJB_KEY:
				if (depth == 1 && v.val.string.len == 3 &&
					memcmp(v.val.string.val, "fit", 3) == 0)
				{
					/* the old fit object is replaced: skip its value */
					(void) JsonbIteratorNext(&it, &v, true);
					break;
				}
				if (depth == 1)
					in_components = v.val.string.len == 10 &&
						memcmp(v.val.string.val, "components", 10) == 0;
				if (in_components && depth == 2)
				{
					comp = component_index(s->m, v.val.string.val, v.val.string.len);
					weight_done = false;
				}
				res = pushJsonbValue(&st, WJB_KEY, &v);
				if (in_components && depth == 3 && v.val.string.len == 6 &&
					memcmp(v.val.string.val, "weight", 6) == 0)
				{
					(void) JsonbIteratorNext(&it, &v, true);
					push_number(&st, WJB_VALUE, weights[comp]);
					weight_done = true;
				}
				break;
			default:
				res = pushJsonbValue(&st, tok, &v);
				break;
		}
	}
	return JsonbValueToJsonb(res);
}

Datum
health_fit_final(PG_FUNCTION_ARGS)
{
	Sample	   *s = final_sample(PG_GETARG_DATUM(0), KIND_HEALTH);
	int			k = s->k,
				i;
	uint64		n = s->n,
				r,
				positives = 0;
	double	   *mean,
			   *x,
			   *beta,
			   *weights,
			   *scores,
				total = 0,
				bsum = 0,
				auc = 0;
	int			iterations;
	bool		have_auc;
	Jsonb	   *result;
	HealthModel *fitted;
	Scored	   *sc;

	if (n == 0)
		PG_RETURN_NULL();
	for (r = 0; r < n; r++)
		positives += s->y[r];
	if (positives == 0 || positives == n)
		fit_error(positives == 0 ? "no row has a true outcome (the fit needs both outcomes)" :
				  "no row has a false outcome (the fit needs both outcomes)");
	/*
	 * x_i: the state keeps each component's score (what health_score adds
	 * up, so that the AUC below is that of health_score); the fit reads
	 * the fractions, and takes the mean of each component over the rows
	 * that have it for those that do not.
	 */
	x = huge_array(double, n * k);
	for (r = 0; r < n * k; r++)
		x[r] = s->x[r] / 100.0;
	mean = palloc0(k * sizeof(double));
	for (i = 0; i < k; i++)
	{
		uint64		have = 0;

		for (r = 0; r < n; r++)
			if (!isnan(x[r * k + i]))
			{
				mean[i] += x[r * k + i];
				have++;
			}
		if (have == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("health_fit: component \"%s\" is missing in every row", s->m->c[i].name)));
		mean[i] /= (double) have;
	}
	for (r = 0; r < n * k; r++)
		if (isnan(x[r]))
			x[r] = mean[r % k];
	beta = palloc((k + 1) * sizeof(double));
	iterations = newton(x, s->y, n, k, s->l2, beta);
	pfree(x);
	/* the new weights, on the model's scale */
	weights = palloc(k * sizeof(double));
	for (i = 0; i < k; i++)
	{
		total += s->m->c[i].weight;
		bsum += Max(beta[i + 1], 0.0);
	}
	if (!(bsum > 0))
		fit_error("no component has a positive coefficient (none of them predicts a true outcome)");
	for (i = 0; i < k; i++)
		weights[i] = Max(beta[i + 1], 0.0) * total / bsum;
	/* auc: score_auc of health_score under the new model, the model as it reads back */
	result = fitted_model(s, weights, beta, iterations, positives, 0, false);
	fitted = palloc0(sizeof(HealthModel));
	health_parse_model(fitted, result);
	sc = palloc(k * sizeof(Scored));
	scores = huge_array(double, n);
	for (r = 0; r < n; r++)
	{
		double		wsum;

		for (i = 0; i < k; i++)
		{
			double		f = s->x[r * k + i];

			sc[i].present = !isnan(f);
			sc[i].fraction = sc[i].present ? f / 100.0 : 0;
			sc[i].score = sc[i].present ? f : 0;
		}
		if (!health_weighted_score(fitted, sc, &wsum, &scores[r]))
			scores[r] = get_float8_nan();
	}
	have_auc = auc_of(scores, 1, s->y, n, &auc);
	result = fitted_model(s, weights, beta, iterations, positives, auc, have_auc);
	PG_RETURN_JSONB_P(result);
}

