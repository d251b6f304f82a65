import type { BillingRedirect, PaidPlanId, Usage } from '@fixloop/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';

/** The project's usage query key (under the project, like every other). */
export const usageKey = (pid: string) => ['project', pid, 'billing', 'usage'] as const;

/** This month's counts, the plan's limits and the held reports. */
export function useUsage() {
  const pid = useProjectId();
  return useQuery({
    queryKey: usageKey(pid),
    queryFn: ({ signal }) => apiRequest<Usage>(projectPath(pid, '/usage'), { signal }),
  });
}

/** Opens a Stripe Checkout session for a plan; the caller sends the browser to its `url`. */
export function useCheckout() {
  const pid = useProjectId();
  return useMutation({
    mutationFn: (plan: PaidPlanId) =>
      apiRequest<BillingRedirect>(projectPath(pid, '/billing/checkout'), { method: 'POST', body: { plan } }),
  });
}

/** Opens the Stripe Billing Portal for the project's customer. */
export function useBillingPortal() {
  const pid = useProjectId();
  return useMutation({
    mutationFn: () => apiRequest<BillingRedirect>(projectPath(pid, '/billing/portal'), { method: 'POST' }),
  });
}
