import type { ProjectTermStats } from './hybrid-local.js';

/** Project term stats held in memory: for tests, evaluation and single-process use without Redis. */
export class InMemoryProjectTermStats implements ProjectTermStats {
  private readonly projects = new Map<
    string,
    { space: string; documents: number; df: Map<number, number>; seen: Set<string> }
  >();

  async load(
    projectId: string,
    space: string,
  ): Promise<{ documents: number; df: Iterable<[number, number]> }> {
    const p = this.projects.get(projectId);
    if (!p || p.space !== space) return { documents: 0, df: [] };
    return { documents: p.documents, df: [...p.df] };
  }

  async observe(
    projectId: string,
    space: string,
    documents: ReadonlyArray<{ fingerprint: string; features: ArrayLike<number> }>,
  ): Promise<boolean[]> {
    let p = this.projects.get(projectId);
    if (!p || p.space !== space) {
      p = { space, documents: 0, df: new Map(), seen: new Set() };
      this.projects.set(projectId, p);
    }
    const project = p;
    return documents.map((doc) => {
      if (project.seen.has(doc.fingerprint)) return false;
      project.seen.add(doc.fingerprint);
      for (const index of new Set(Array.from(doc.features)))
        project.df.set(index, (project.df.get(index) ?? 0) + 1);
      project.documents++;
      return true;
    });
  }
}
