// Task text for case 9, in our own words; keeps every definition, convention and unit.

export const admixturePrompt = `You are analysing a simulated population-genetics data set; treat it exactly as you would real
data. One admixed person has been phased and run through a local-ancestry caller with two source
ancestries, A and B. Each of the person's two haplotypes was transmitted by a different parent, and
each parent descends from a single admixture pulse between A and B, with its own pulse time (anywhere
from about ten to a few hundred generations ago) and its own ancestry proportions. Estimate, for each transmitted parental haplotype, its ancestry-A
fraction and the number of generations since its admixture pulse.

Files in your workspace:
- tracts.tsv.gz — local-ancestry tracts, one row per tract: chrom, hap (h1 or h2), start_morgan and
  end_morgan (tract ends on the genetic map, in Morgan), anc (A or B), posterior (the caller's mean
  posterior for the tract; well-supported tracts sit near 0.985) and low_complexity_frac (share of the
  tract lying in low-complexity sequence). h1 and h2 are parent-of-origin consistent across
  chromosomes: every h1 row comes from the same parent. Which parent is h1 is not known.
- chromosomes.tsv.gz — chrom, length_morgan (genetic length of the chromosome), called_start and
  called_end (the span, in Morgan, in which the caller made calls). Inside that span there may be
  stretches without any tract: those are uncalled.

Model for the pulse time: under a single pulse t generations ago (large population), ancestry
junctions along a transmitted haplotype arise as a Poisson process of rate t per Morgan, and each
segment between junctions is ancestry A with that parent's ancestry-A proportion, so ancestry along
the map behaves as a two-state Markov process.

Report, per transmitted parental haplotype:
- parent1_A_fraction (float): fraction of ancestry A over the called tract span (called Morgan in A
  divided by called Morgan in A or B) of the haplotype with the smaller A fraction; parent1 is that
  haplotype.
- parent1_t (float): generations since the single admixture pulse for parent1's haplotype.
- parent2_A_fraction (float): the same fraction for the other haplotype.
- parent2_t (float): generations since the pulse for parent2's haplotype.

The data are simulated and depart from real data in two ways: apart from the caller artifacts,
every call is exact, and a larger share of the map than usual (about a third) is uncalled.

Be alert to: caller artifacts among the tracts (use the posterior and low_complexity_frac columns),
artifacts that involve both haplotypes at once, ancestry labels that may not be correct on every
chromosome, which map length belongs in each denominator, and tracts cut short by chromosome ends and
uncalled gaps.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"parent1_A_fraction": <float>, "parent1_t": <float>, "parent2_A_fraction": <float>, "parent2_t": <float>}, "reasoning": "<method and QC>"}`;
