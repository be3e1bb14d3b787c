import { fetchNamespace } from '@temporalio/ui/services/namespaces-service';

export const load = async ({ params, parent }) => {
  await parent();
  return { namespace: await fetchNamespace(params.namespace) };
};
