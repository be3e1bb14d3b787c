// The workflows list's filter builder offers the namespace's search attributes.
import { fetchSearchAttributesForNamespace } from '@temporalio/ui/services/search-attributes-service';
import { allSearchAttributes } from '@temporalio/ui/stores/search-attributes';

export const load = async ({ params, parent, fetch }) => {
  await parent();
  allSearchAttributes.set(await fetchSearchAttributesForNamespace(params.namespace, fetch));
};
