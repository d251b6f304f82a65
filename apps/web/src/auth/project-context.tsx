import type { ProjectRef, SessionInfo } from '@fixloop/contracts';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

const STORAGE_KEY = 'fixloop.project';

export interface ProjectState {
  /** The selected project: part of every query key and every API path. */
  projectId: string;
  projects: ProjectRef[];
  selectProject: (id: string) => void;
}

const ProjectContext = createContext<ProjectState | null>(null);

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // storage may be disabled; the choice then lasts for this page only
  }
}

/** Holds the selected project: the last one chosen when the session may still open it, else its own. */
export function ProjectProvider({ session, children }: { session: SessionInfo; children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(readStored);
  const projects =
    session.projects.length > 0 ? session.projects : [{ id: session.projectId, name: session.projectId }];
  const projectId = chosen !== null && projects.some((p) => p.id === chosen) ? chosen : session.projectId;
  const selectProject = useCallback((id: string) => {
    store(id);
    setChosen(id);
  }, []);
  const value = useMemo(() => ({ projectId, projects, selectProject }), [projectId, projects, selectProject]);
  return <ProjectContext.Provider value={value}>{children}</ProjectContext.Provider>;
}

export function useProject(): ProjectState {
  const state = useContext(ProjectContext);
  if (!state) throw new Error('useProject needs a ProjectProvider');
  return state;
}

export function useProjectId(): string {
  return useProject().projectId;
}
