// The service's ids are UUIDs: anything else is not one of ours, and is answered "not found"
// without asking the database (which would refuse it as a malformed uuid).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (id: string): boolean => UUID.test(id);
