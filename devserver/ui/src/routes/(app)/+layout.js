// Settings come from the devserver (auth off); cluster and system info are its GetClusterInfo and
// GetSystemInfo answers over the HTTP API.
import { fetchCluster, fetchSystemInfo } from '@temporalio/ui/services/cluster-service';
import { fetchNamespaces } from '@temporalio/ui/services/namespaces-service';
import { fetchSettings } from '@temporalio/ui/services/settings-service';

import '../../app.css';

export const load = async ({ fetch }) => {
  const settings = await fetchSettings(fetch);
  fetchNamespaces(settings, fetch);
  const [cluster, systemInfo] = await Promise.all([fetchCluster(settings, fetch), fetchSystemInfo(settings, fetch)]);
  return { user: {}, settings, cluster, systemInfo };
};
