// Fixture files imported as text (Vite `?raw`), e.g. the .eml files of the inbound tests.
declare module '*?raw' {
  const text: string;
  export default text;
}
