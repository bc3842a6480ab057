/*
 * health.h
 *		The parsed health model (doc/reference.md, "Health scores") and component scoring, shared by
 *		the scoring functions (health.c) and by health_fit (health_fit.c).
 */
#ifndef ADOPTION_HEALTH_H
#define ADOPTION_HEALTH_H

#include "postgres.h"
#include "utils/jsonb.h"

typedef enum MissingPolicy
{
	MISSING_SKIP,
	MISSING_ZERO,
	MISSING_ERROR
} MissingPolicy;

/* a JSON number as M * 10^e exactly, when it has few enough digits */
typedef struct Decimal
{
	bool		exact;			/* false: only the float8 is known */
	int64		m;
	int			e;
} Decimal;

typedef struct Component
{
	char	   *name;
	int			name_len;
	char	   *signal_what;	/* 'signal "name"', for errors */
	double		weight;
	double		red;
	double		green;
	Decimal		red_exact;		/* red and green as the model wrote them */
	Decimal		green_exact;
} Component;

typedef struct HealthModel
{
	int			n;
	Component  *c;				/* sorted by name (strcmp) */
	double		grade_red;
	double		grade_green;
	MissingPolicy missing;
	/* the model's bytes, to recognise it on the next call */
	Size		len;
	char	   *bytes;
	MemoryContext cxt;			/* holds all of the above */
} HealthModel;

/* one component's signal and score */
typedef struct Scored
{
	bool		present;
	double		value;
	double		fraction;		/* clamp((value - red) / (green - red), 0, 1) */
	double		score;			/* 100 * that fraction (each rounded once
								 * when the decimals are exact); 0 when
								 * missing */
} Scored;

/* parses and validates a model (ERROR 22023 naming the problem) */
extern void health_parse_model(HealthModel *m, Jsonb *model);

/* scores every component of one row's signals (ERROR on a bad signal) */
extern void health_score_components(const HealthModel *m, Jsonb *signals, Scored *out);

/* the weighted mean of scored components; false when no weight counts */
extern bool health_weighted_score(const HealthModel *m, const Scored *s,
								  double *total_weight, double *score);

#endif							/* ADOPTION_HEALTH_H */
