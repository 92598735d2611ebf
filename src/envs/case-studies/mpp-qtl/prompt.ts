// Task text for case 8, in our own words; keeps every definition, convention and unit, and says
// where the simulation is simpler than a real multi-parent population.

export const mppPrompt = `You are analysing a simulated multi-parent mapping population; treat it exactly as you would real
data. 500 recombinant inbred lines (RILs) were derived from eight inbred founders, F1 to F8, so every
RIL genome is a mosaic of founder segments. One quantitative trait locus (QTL) on chromosome 1
affects the phenotype, and its founder alleles do not act as a simple two-allele variant. Map this
QTL: report its position on the genetic map and the founder whose haplotype carries the
high-effect allele.

Files in your workspace:
- markers.tsv.gz — marker metadata: marker_id, chr, pos_cM (genetic map position in centimorgans).
  Rows are not in map order.
- founders.tsv.gz — founder alleles per marker: marker_id, F1 … F8 (0 or 1).
- ril_genotypes.npz — observed biallelic RIL genotypes (NumPy .npz): genotypes (int8, RIL × marker;
  0 or 1 = allele call, −1 = missing, 2 = heterozygous call), ril_ids (rows), marker_ids (columns).
- phenotypes.tsv.gz — ril_id, phenotype, batch (phenotyping batch, 1–4), sex, age_days.

Report:
- high_founder (string, one of "F1" … "F8"): the founder carrying the high-effect allele at the
  chromosome-1 QTL, i.e. the founder whose haplotype at the QTL gives the highest phenotype once
  batch, sex and age are accounted for.
- qtl_pos_cM (float): the position of the chromosome-1 QTL in cM, on the map of markers.tsv.gz.

The founder state of each RIL along the chromosome has to be reconstructed from the biallelic calls.
The RIL calls and founders.tsv.gz were produced separately: check that each marker's allele coding
in the RIL genotypes agrees with founders.tsv.gz before you use it. Make sure a peak is not produced
by how lines were distributed over phenotyping batches.

How this simulation departs from a real population: founder mosaics follow a simple Markov
switching model (about 0.07 founder switches per cM, no funnel or sib-mating structure, no residual
heterozygosity beyond rare heterozygous calls); the marker panel was chosen so that each allele of
every marker is carried by at least two founders (no founder-private alleles); there is no
polygenic background, so no kinship correction is needed; and the batch effects are large.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"high_founder": "F1", "qtl_pos_cM": <float>}, "reasoning": "<method and QC>"}
(with high_founder set to your founder, "F1" … "F8").`;
