// What the use cases need from the outside world, one file per subject. Adapters implement
// these; the domain never sees express, BullMQ, pg or SendGrid. Every port lives here.
export * from './actions';
export * from './basics';
export * from './campaigners';
export * from './campaigns';
export * from './confirmations';
export * from './deliveryEvents';
export * from './letters';
export * from './mail';
export * from './maintenance';
export * from './represent';
export * from './signatures';
export * from './supporterEmails';
export * from './health';
export * from './campaignDefinitions';
export * from './audit';
export * from './accounts';
export * from './elections';
export * from './crm';
