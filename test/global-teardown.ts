/**
 * Jest global teardown of the integration project: stops the broker that global setup started (a local
 * broker or a container); a cluster given by KAFKA_BROKERS is left alone.
 */
export default async function globalTeardown(): Promise<void> {
  const broker = globalThis.__twinstateIntegrationBroker;
  globalThis.__twinstateIntegrationBroker = undefined;
  await broker?.stop();
}
