// What the SVG writer tells the viewer (viewer.ts and its parts) about the drawing: its own
// file, so that the viewer's parts and the viewer import it without importing each other.

/** What the viewer needs to know about the drawing. */
export interface ViewerConfig {
  /** Namespace of the fg:n attribute. */
  ns: string;
  /** Id of the element holding the frames' geometry in samples and tooltips (JSON: svg.ts, FrameData). */
  frameData: string;
  nameType: string;
  countName: string;
  fontSize: number;
  fontWidth: number;
  xpad: number;
  /** Width of the plot area in pixels. */
  plotWidth: number;
  /** depth = (rect y - yBase) / yStep. */
  yBase: number;
  yStep: number;
  /** The band of the canvas (y from, to) every frame is drawn in. */
  plotTop: number;
  plotBottom: number;
  searchColor: string;
}
