/**
 * The signatures of the activities the workflow schedules, by name. The worker registers the
 * real implementations under these names (src/worker.ts checks them against this type).
 */
import type {
  CreateTablesResult,
  CopyStagingInput,
  CopyStagingResult,
  InsertResult,
  LoadErrorSample,
  LoadSummary,
  ProvisionWarehouseInput,
  SampleLoadErrorsInput,
  StagingPlan,
  StagingPlanInput,
  TeardownWarehouseInput,
  TeardownWarehouseResult,
  WarehouseHandle,
  WarehouseInput,
} from '../activities/types';

export interface SparkifyActivities {
  provisionWarehouse(input: ProvisionWarehouseInput): Promise<WarehouseHandle>;
  createTables(input: WarehouseInput): Promise<CreateTablesResult>;
  planStaging(input: StagingPlanInput): Promise<StagingPlan>;
  copyStagingEvents(input: CopyStagingInput): Promise<CopyStagingResult>;
  copyStagingSongs(input: CopyStagingInput): Promise<CopyStagingResult>;
  insertUsers(input: WarehouseInput): Promise<InsertResult>;
  insertSongs(input: WarehouseInput): Promise<InsertResult>;
  insertArtists(input: WarehouseInput): Promise<InsertResult>;
  insertTime(input: WarehouseInput): Promise<InsertResult>;
  insertSongplays(input: WarehouseInput): Promise<InsertResult>;
  summarizeLoad(input: WarehouseInput): Promise<LoadSummary>;
  sampleLoadErrors(input: SampleLoadErrorsInput): Promise<LoadErrorSample[]>;
  teardownWarehouse(input: TeardownWarehouseInput): Promise<TeardownWarehouseResult>;
}
