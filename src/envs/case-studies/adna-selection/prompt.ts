// Task text for case 10, in our own words; keeps every definition, convention and unit.

export const adnaPrompt = `You are analysing a simulated population-genetics data set; treat it exactly as you would real
ancient-DNA data. Two unlinked biallelic loci, A and B, were followed in one haploid population over
many generations by sequencing ancient samples. Both derived alleles may be under selection, in
either direction; one locus is under stronger positive selection than the other. Find that locus and
estimate its selection coefficient.

Model and conventions:
- Haploid selection per generation: a derived-allele frequency x becomes x(1 + s) / (1 + s·x) before
  genetic drift in a population of effective size Ne. s > 0 means the derived allele is favoured.
- Read errors: the sequencing instrument miscalls about 1% of reads in each direction between the two
  alleles. Post-mortem DNA damage (deamination) adds further miscalls that read C as T and G as A, and
  older samples carry more of it. seq_error is the mean of the two directional miscall rates (allele 1
  read as allele 2, and allele 2 read as allele 1) for that locus and sample.

Files in your workspace:
- locus_A.tsv.gz, locus_B.tsv.gz — one row per sample: generation (generations since the start of the
  series), alt_reads (reads showing the alt allele), total_reads, seq_error, sample_year (calendar
  year of the sample; negative = BCE).
- loci.tsv.gz — locus, ref_allele, alt_allele, ancestral_allele, derived_allele.
- demography.tsv.gz — generation_start, generation_end (inclusive), Ne: the effective population size
  over each range of generations.

Report:
- selected_locus (string, "A" or "B"): the locus with the larger selection coefficient on the
  derived-allele scale.
- s (float): that locus's selection coefficient per generation, on the derived-allele scale.

Be alert to: which allele each file counts, how the miscall rates differ by direction and over time,
and the time unit of the selection coefficient.

Where these data depart from real ones: there is a sample every generation, each pooling 2,000–6,000
reads at the locus from many individuals, and the effective size is in the millions (all far above
typical human ancient-DNA series), and damage reaches up to about 45% of reads at the oldest time
points, several times the per-site rate of typical untreated libraries.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"selected_locus": "A" | "B", "s": <float>}, "reasoning": "<method and QC>"}`;
