// The `workflows-continued` Jest project: every credential the lifecycle tests start continues as
// new in the middle of its cycle after a few history events (read by test/workflows/helpers.ts).
process.env.RECERTIFY_CONTINUE_AS_NEW_AFTER = '25';
