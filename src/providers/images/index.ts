// The image adapter for each image API a provider may serve.
import type { ImagesApi } from "../types.ts";
import { fireworksImages } from "./fireworks.ts";
import { openaiImages } from "./openai.ts";
import type { ImagesAdapter } from "./types.ts";

export const IMAGES_ADAPTERS: Record<ImagesApi, ImagesAdapter> = {
  openai: openaiImages,
  fireworks: fireworksImages,
};

export type { ImagesAdapter, ImagesAnswer, ImagesRequest } from "./types.ts";
