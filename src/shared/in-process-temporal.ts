/**
 * The address of an in-memory Temporal devserver running in this process (`sparkify up`), if any.
 * A warehouse provisioned here records it with this pid: when the process dies, so do its runs.
 */
let address: string | undefined;

export function setInProcessTemporal(value: string | undefined): void {
  address = value;
}

export function inProcessTemporal(): string | undefined {
  return address;
}
