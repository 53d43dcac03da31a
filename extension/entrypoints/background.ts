export default defineBackground(() => {
  // Key custody and the message API land with the extension issue.
});
